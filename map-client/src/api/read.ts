/**
 * Strict readers of the API's JSON, shared by every answer the client reads.
 *
 * Required fields must be there with the right type, otherwise `ShapeError` names the path
 * (`features[3].properties.slug`); optional ones (`null` or missing) become `null`. Unknown
 * fields are ignored, so the server may add fields without breaking the client.
 */

/** The server's answer does not have the agreed shape. */
export class ShapeError extends Error {
  /** What every such message starts with. */
  static readonly PREFIX = 'unexpected API response';

  constructor(
    readonly path: string,
    expected: string,
  ) {
    super(`${ShapeError.PREFIX}: ${path} should be ${expected}`);
    this.name = 'ShapeError';
  }
}

export type Json = unknown;
declare const wire: unique symbol;

/**
 * An object of an answer, read as the schema `W` of the server's OpenAPI document describes it
 * (`wire.ts`): reading a field `W` does not have is a type error. `W` is only a mark; the
 * values are unknown until a reader checks them.
 */
export type Fields<W = unknown> = Readonly<Record<string, Json>> & { readonly [wire]?: W };
/** An object read without a schema: any field name goes. */
export type Obj = Fields;
/** The name of a field of `W` (any name without a schema). */
type Key<W> = unknown extends W ? string : keyof W & string;

export function isObject(value: Json): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function object<W = unknown>(value: Json, path: string): Fields<W> {
  if (!isObject(value)) throw new ShapeError(path, 'an object');
  return value as Fields<W>;
}

export function array(value: Json, path: string): readonly Json[] {
  if (!Array.isArray(value)) throw new ShapeError(path, 'an array');
  return value as readonly Json[];
}

export function string<W>(o: Fields<W>, key: Key<W>, path: string): string {
  const value = o[key];
  if (typeof value !== 'string') throw new ShapeError(`${path}.${key}`, 'a string');
  return value;
}

/** Strings and numbers both become strings: ids and dates may come either way. */
export function optString<W>(o: Fields<W>, key: Key<W>, path: string): string | null {
  const value = o[key];
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  throw new ShapeError(`${path}.${key}`, 'a string or null');
}

export function number<W>(o: Fields<W>, key: Key<W>, path: string): number {
  const value = o[key];
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new ShapeError(`${path}.${key}`, 'a number');
  return value;
}

export function optNumber<W>(o: Fields<W>, key: Key<W>, path: string): number | null {
  const value = o[key];
  if (value === undefined || value === null) return null;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  throw new ShapeError(`${path}.${key}`, 'a number or null');
}

export function optBoolean<W>(o: Fields<W>, key: Key<W>, path: string): boolean | null {
  const value = o[key];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'boolean') throw new ShapeError(`${path}.${key}`, 'a boolean or null');
  return value;
}

export function boolean<W>(o: Fields<W>, key: Key<W>, path: string): boolean {
  const value = o[key];
  if (typeof value !== 'boolean') throw new ShapeError(`${path}.${key}`, 'a boolean');
  return value;
}

/** An object that may be `null` or missing (then `null`). */
export function optObject<W, V = unknown>(o: Fields<W>, key: Key<W>, path: string): Fields<V> | null {
  const value = o[key];
  if (value === undefined || value === null) return null;
  return object<V>(value, `${path}.${key}`);
}

export function strings<W>(o: Fields<W>, key: Key<W>, path: string): readonly string[] {
  const value = o[key];
  if (value === undefined || value === null) return [];
  return array(value, `${path}.${key}`).map((item, i) => {
    if (typeof item !== 'string') throw new ShapeError(`${path}.${key}[${i}]`, 'a string');
    return item;
  });
}

export function list<T>(value: Json, path: string, item: (v: Json, p: string) => T): readonly T[] {
  return array(value, path).map((v, i) => item(v, `${path}[${i}]`));
}

export function optList<W, T>(o: Fields<W>, key: Key<W>, path: string, item: (v: Json, p: string) => T): readonly T[] {
  const value = o[key];
  if (value === undefined || value === null) return [];
  return list(value, `${path}.${key}`, item);
}

/** An RFC 9457 problem document, as far as it can be read. */
export interface Problem {
  readonly title: string | null;
  readonly detail: string | null;
  readonly field: string | null;
}

export function parseProblem(value: Json): Problem {
  if (!isObject(value)) return { title: null, detail: null, field: null };
  const text = (key: string): string | null => (typeof value[key] === 'string' ? value[key] : null);
  return { title: text('title'), detail: text('detail'), field: text('field') };
}
