/**
 * The error for input a user can fix (a bad option value, an unknown dataset, a malformed file):
 * the CLI prints its message without a stack trace and exits with the input-error code.
 */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}
