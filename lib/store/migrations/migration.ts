/** The shape of one schema migration: a version number and the statements that apply it. */
export interface Migration {
  version: number;
  description: string;
  statements: string[];
}
