/**
 * The error every dataset parser throws for malformed input: it names the file and the line
 * (1-based) so a user can open the file at the right place.
 */
import { InputError } from '../input-error';

export class DatasetParseError extends InputError {
  readonly file: string;
  readonly line: number | undefined;
  readonly reason: string;

  constructor(file: string, line: number | undefined, reason: string) {
    super(line === undefined ? `${file}: ${reason}` : `${file}:${line}: ${reason}`);
    this.name = 'DatasetParseError';
    this.file = file;
    this.line = line;
    this.reason = reason;
  }
}
