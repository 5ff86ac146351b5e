/** `paimon-ts create`: a new, empty table in a warehouse folder. */
import { resolve } from 'node:path';
import { buildTableSchema, FileSystemCatalog, Identifier, PaimonError, parseColumnList, type SchemaSpec } from '@paimon-ts/core';
import { schema } from './info.js';

export interface CreateOptions {
  /** `name TYPE [COMMENT 'text'], ...` */
  schema: string;
  primaryKey?: string[];
  partition?: string[];
  bucket?: string;
  /** Repeated `--option key=value`. */
  option?: string[];
  comment?: string;
}

export function splitNames(text: string): string[] {
  return text.split(',').map((s) => s.trim()).filter(Boolean);
}

/** `--option k=v` values as a map; the value may itself hold `=`. */
export function parseOptionPairs(pairs: readonly string[]): Record<string, string> {
  const options: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const key = eq < 0 ? '' : pair.slice(0, eq).trim();
    if (key === '') throw new PaimonError('INVALID_OPTION', `--option expects key=value, got ${JSON.stringify(pair)}`);
    const value = pair.slice(eq + 1).trim();
    if (key in options && options[key] !== value) {
      throw new PaimonError('INVALID_OPTION', `option ${key} given twice (${JSON.stringify(options[key])} and ${JSON.stringify(value)})`);
    }
    options[key] = value;
  }
  return options;
}

/** Local paths are made absolute so the printed table path can be pasted anywhere; URIs stay as they are. */
function warehousePath(text: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : resolve(text);
}

export async function create(warehouse: string, name: string, o: CreateOptions, out: NodeJS.WritableStream): Promise<void> {
  const id = Identifier.parse(name);
  const options = parseOptionPairs(o.option ?? []);
  if (o.bucket !== undefined) {
    if (options['bucket'] !== undefined && options['bucket'] !== o.bucket) {
      throw new PaimonError('INVALID_OPTION', `bucket given twice: --bucket ${o.bucket} and --option bucket=${options['bucket']}`);
    }
    options['bucket'] = o.bucket;
  }
  const spec: SchemaSpec = {
    fields: parseColumnList(o.schema),
    primaryKeys: o.primaryKey ?? [],
    partitionKeys: o.partition ?? [],
    options,
  };
  if (o.comment !== undefined) spec.comment = o.comment;
  // Validate before anything touches the warehouse, so a typo leaves no empty database behind.
  buildTableSchema(spec, { where: `table ${id.fullName}` });

  const catalog = new FileSystemCatalog(warehousePath(warehouse));
  await catalog.createDatabase(id.database, true);
  await catalog.createTable(id, spec, false);
  const path = catalog.tablePath(id);
  out.write(`created table ${id.fullName} at ${path}\n`);
  await schema(path, 'table', out);
}
