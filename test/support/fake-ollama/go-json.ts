/**
 * Request-body decoding with the error texts of Go's encoding/json, which is what Ollama (gin's
 * ShouldBindJSON → json.Decoder.Decode) answers with a 400: "invalid character 'x' looking for
 * beginning of value", "unexpected EOF", "json: cannot unmarshal string into Go struct field
 * GenerateRequest.stream of type bool", and "missing request body" for an empty body.
 *
 * Like json.Decoder, only the first JSON value is read; anything after it is ignored.
 */

export type DecodeResult = { ok: true; value: unknown } | { ok: false; error: string };

class Eof {}
class Syntax {
  constructor(readonly message: string) {}
}

/** Go's quoteChar for the offending byte. */
function quoteChar(ch: string): string {
  if (ch === "'") return `'\\''`;
  if (ch === '"') return `'"'`;
  const code = ch.charCodeAt(0);
  if (code >= 0x20 && code < 0x7f) return `'${ch === '\\' ? '\\\\' : ch}'`;
  const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };
  if (named[ch] !== undefined) return `'${named[ch]}'`;
  if (code < 0x80) return `'\\x${code.toString(16).padStart(2, '0')}'`;
  // Go scans bytes: a non-ASCII character is reported by the first byte of its UTF-8 encoding.
  const first = Buffer.from(ch, 'utf8')[0] ?? 0;
  return `'\\x${first.toString(16).padStart(2, '0')}'`;
}

/** Returns the index just past the first JSON value, or throws Eof / Syntax. */
function scanFirstValue(text: string): number {
  let i = 0;
  const n = text.length;
  const skipWs = (): void => {
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const bad = (context: string): never => {
    if (i >= n) throw new Eof();
    throw new Syntax(`invalid character ${quoteChar(text[i] as string)} ${context}`);
  };
  const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

  const literal = (word: string): void => {
    for (let k = 0; k < word.length; k++) {
      if (i >= n) throw new Eof();
      if (text[i] !== word[k]) bad(`in literal ${word} (expecting '${word[k]}')`);
      i++;
    }
  };
  const string = (): void => {
    i++; // opening quote
    for (;;) {
      if (i >= n) throw new Eof();
      const c = text[i] as string;
      if (c === '"') {
        i++;
        return;
      }
      if (c === '\\') {
        i++;
        if (i >= n) throw new Eof();
        const e = text[i] as string;
        if ('bfnrt"\\/'.includes(e)) {
          i++;
        } else if (e === 'u') {
          i++;
          for (let k = 0; k < 4; k++) {
            if (i >= n) throw new Eof();
            if (!/[0-9a-fA-F]/.test(text[i] as string)) bad('in \\u hexadecimal character escape');
            i++;
          }
        } else {
          bad('in string escape code');
        }
        continue;
      }
      if (c.charCodeAt(0) < 0x20) bad('in string literal');
      i++;
    }
  };
  const number = (): void => {
    if (text[i] === '-') {
      i++;
      if (i >= n) throw new Eof();
    }
    if (text[i] === '0') {
      i++;
    } else if (isDigit(text[i])) {
      while (isDigit(text[i])) i++;
    } else {
      bad('in numeric literal');
    }
    if (text[i] === '.') {
      i++;
      if (i >= n) throw new Eof();
      if (!isDigit(text[i])) bad('after decimal point in numeric literal');
      while (isDigit(text[i])) i++;
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      if (i >= n) throw new Eof();
      if (!isDigit(text[i])) bad('in exponent of numeric literal');
      while (isDigit(text[i])) i++;
    }
  };
  const value = (): void => {
    skipWs();
    if (i >= n) throw new Eof();
    const c = text[i] as string;
    if (c === '{') return object();
    if (c === '[') return array();
    if (c === '"') return string();
    if (c === '-' || isDigit(c)) return number();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    bad('looking for beginning of value');
  };
  const object = (): void => {
    i++;
    skipWs();
    if (text[i] === '}') {
      i++;
      return;
    }
    for (;;) {
      skipWs();
      if (text[i] !== '"') bad('looking for beginning of object key string');
      string();
      skipWs();
      if (text[i] !== ':') bad('after object key');
      i++;
      value();
      skipWs();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === '}') {
        i++;
        return;
      }
      bad('after object key:value pair');
    }
  };
  const array = (): void => {
    i++;
    skipWs();
    if (text[i] === ']') {
      i++;
      return;
    }
    for (;;) {
      value();
      skipWs();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === ']') {
        i++;
        return;
      }
      bad('after array element');
    }
  };

  value();
  return i;
}

/** Decode a request body as json.Decoder would (first value only). */
export function decodeJsonBody(text: string): DecodeResult {
  if (text.trim() === '') return { ok: false, error: 'missing request body' };
  try {
    const end = scanFirstValue(text);
    return { ok: true, value: JSON.parse(text.slice(0, end)) };
  } catch (e) {
    if (e instanceof Eof) return { ok: false, error: 'unexpected EOF' };
    if (e instanceof Syntax) return { ok: false, error: e.message };
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// Type checks of the decoded value against the Go request structs.

export type GoFieldType =
  | 'string'
  | 'bool'
  /** Go int (a JSON number with a fraction or an exponent is rejected). */
  | 'int'
  /** Go float64 */
  | 'float'
  | 'map'
  /** []api.Message (role and content strings) */
  | 'messages'
  /** []openai.Message (role a string, content any) */
  | 'openai-messages'
  | 'ints'
  | 'duration'
  /** api.ThinkValue: true/false or "high" | "medium" | "low" (Ollama 0.12's UnmarshalJSON) */
  | 'think'
  | 'any'
  /** A nested struct (a pointer to one: null is allowed). */
  | { struct: GoStruct };

/** A Go struct as far as the fake checks it: JSON field name → type. */
export interface GoStruct {
  /** Go type name, e.g. 'GenerateRequest'. */
  name: string;
  /** Go package, 'api' by default (error texts name `api.GenerateRequest`). */
  pkg?: string;
  fields: Record<string, GoFieldType>;
}

function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'boolean') return 'bool';
  return typeof v; // 'string' | 'number' | 'object'
}

const unmarshalField = (v: unknown, path: string, goType: string): string =>
  `json: cannot unmarshal ${jsonKind(v)} into Go struct field ${path} of type ${goType}`;

/** Go's error for a keep_alive value (api.Duration.UnmarshalJSON), or null. */
function durationError(v: unknown): string | null {
  if (v === null || typeof v === 'number') return null;
  if (typeof v === 'string') {
    const parsed = parseGoDuration(v);
    return typeof parsed === 'string' ? parsed : null;
  }
  const goType = Array.isArray(v) ? '[]interface {}' : typeof v === 'boolean' ? 'bool' : 'map[string]interface {}';
  return `Unsupported type: '${goType}'`;
}

/** THINK_LEVELS: the string values api.ThinkValue accepts (Ollama 0.12; later versions add "max"). */
export const THINK_LEVELS = ['high', 'medium', 'low'] as const;

/** api.ThinkValue.UnmarshalJSON's errors (Ollama 0.12), or null. Returned unwrapped, as Go does for an Unmarshaler. */
function thinkError(v: unknown): string | null {
  if (typeof v === 'boolean') return null;
  if (typeof v === 'string') {
    if ((THINK_LEVELS as readonly string[]).includes(v)) return null;
    return `invalid think value: ${JSON.stringify(v)} (must be "high", "medium", "low", true, or false)`;
  }
  return 'think must be a boolean or string ("high", "medium", "low")';
}

/**
 * Check `value` against `struct` the way json.Unmarshal would; returns the first error text or
 * null. Unknown fields are ignored, null is accepted everywhere (Go leaves the zero value).
 */
export function checkGoStruct(value: unknown, struct: GoStruct): string | null {
  if (value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) {
    return `json: cannot unmarshal ${jsonKind(value)} into Go value of type ${struct.pkg ?? 'api'}.${struct.name}`;
  }
  return checkFields(value as Record<string, unknown>, struct, struct.name);
}

function checkFields(obj: Record<string, unknown>, struct: GoStruct, prefix: string): string | null {
  for (const [field, type] of Object.entries(struct.fields)) {
    const v = obj[field];
    if (v === undefined || v === null) continue;
    const path = `${prefix}.${field}`;
    if (typeof type === 'object') {
      if (typeof v !== 'object' || Array.isArray(v)) return unmarshalField(v, path, `${type.struct.pkg ?? 'api'}.${type.struct.name}`);
      const err = checkFields(v as Record<string, unknown>, type.struct, path);
      if (err) return err;
      continue;
    }
    switch (type) {
      case 'string':
        if (typeof v !== 'string') return unmarshalField(v, path, 'string');
        break;
      case 'bool':
        if (typeof v !== 'boolean') return unmarshalField(v, path, 'bool');
        break;
      case 'int':
        if (typeof v !== 'number') return unmarshalField(v, path, 'int');
        if (!Number.isInteger(v)) return `json: cannot unmarshal number ${String(v)} into Go struct field ${path} of type int`;
        break;
      case 'float':
        if (typeof v !== 'number') return unmarshalField(v, path, 'float64');
        break;
      case 'map':
        if (typeof v !== 'object' || Array.isArray(v)) return unmarshalField(v, path, 'map[string]interface {}');
        break;
      case 'ints':
        if (!Array.isArray(v)) return unmarshalField(v, path, '[]int');
        for (const item of v) {
          if (item !== null && typeof item !== 'number') return unmarshalField(item, path, 'int');
        }
        break;
      case 'messages':
      case 'openai-messages': {
        const pkg = type === 'messages' ? 'api' : 'openai';
        if (!Array.isArray(v)) return unmarshalField(v, path, `[]${pkg}.Message`);
        const keys = type === 'messages' ? (['role', 'content'] as const) : (['role'] as const);
        for (const m of v) {
          if (m === null) continue;
          if (typeof m !== 'object' || Array.isArray(m)) return unmarshalField(m, path, `${pkg}.Message`);
          for (const key of keys) {
            const mv = (m as Record<string, unknown>)[key];
            if (mv !== undefined && mv !== null && typeof mv !== 'string') {
              return unmarshalField(mv, `${path}.${key}`, 'string');
            }
          }
        }
        break;
      }
      case 'duration': {
        const err = durationError(v);
        if (err) return err;
        break;
      }
      case 'think': {
        const err = thinkError(v);
        if (err) return err;
        break;
      }
      case 'any':
        break;
    }
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// keep_alive

const UNIT_NS: Record<string, number> = {
  ns: 1,
  us: 1e3,
  'µs': 1e3,
  'μs': 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

/** Go's time.ParseDuration: nanoseconds, or the Go error text. */
export function parseGoDuration(s: string): number | string {
  const quoted = JSON.stringify(s);
  let rest = s;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    if (rest.startsWith('-')) sign = -1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') return `time: invalid duration ${quoted}`;
  let total = 0;
  while (rest !== '') {
    const num = /^(\d*)(\.\d*)?/.exec(rest);
    const numText = num ? num[0] : '';
    if (numText === '' || numText === '.') return `time: invalid duration ${quoted}`;
    rest = rest.slice(numText.length);
    const unitMatch = /^[^\d.]*/.exec(rest);
    const unit = unitMatch ? unitMatch[0] : '';
    if (unit === '') return `time: missing unit in duration ${quoted}`;
    const factor = UNIT_NS[unit];
    if (factor === undefined) return `time: unknown unit ${JSON.stringify(unit)} in duration ${quoted}`;
    total += Number(numText) * factor;
    rest = rest.slice(unit.length);
  }
  return sign * total;
}

/** Effective keep-alive in ms from a request's keep_alive (default 5 minutes; negative = forever). */
export function keepAliveMs(v: unknown): number {
  const FOREVER = 292 * 365 * 24 * 3600 * 1000; // Go: time.Duration(math.MaxInt64) ≈ 292 years
  if (typeof v === 'number') return v < 0 ? FOREVER : Math.trunc(v) * 1000;
  if (typeof v === 'string') {
    const ns = parseGoDuration(v);
    if (typeof ns === 'string') return 5 * 60 * 1000;
    return ns < 0 ? FOREVER : Math.trunc(ns / 1e6);
  }
  return 5 * 60 * 1000;
}
