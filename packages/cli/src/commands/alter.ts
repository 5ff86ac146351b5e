/**
 * `paimon-ts alter`: change a table's schema (columns, types, options) as one
 * new schema file, then show the new schema. The options can repeat and are
 * applied in the order given; `--after col` / `--first` place the column of
 * the `--add-column` just before them.
 */
import { FileStoreTable, PaimonError, parseColumnList, SchemaChange, type ColumnMove, type FieldSpec } from '@paimon-ts/core';
import type { OutputFormat } from '../output/formats.js';
import { schema } from './info.js';

export type AlterStep =
  | { kind: 'add'; text: string }
  | { kind: 'after'; column: string }
  | { kind: 'first' }
  | { kind: 'drop'; column: string }
  | { kind: 'rename'; text: string }
  | { kind: 'alter'; text: string }
  | { kind: 'set'; text: string }
  | { kind: 'unset'; key: string };

/**
 * Collects the steps in command-line order (commander calls an option's
 * parser once per occurrence, left to right).
 */
export class AlterSteps {
  readonly steps: AlterStep[] = [];

  /** A commander argParser that records `make(value)`. */
  collect(make: (value: string) => AlterStep): (value: string) => AlterStep[] {
    return (value) => {
      this.steps.push(make(value));
      return this.steps;
    };
  }
}

function usage(message: string): PaimonError {
  return new PaimonError('INVALID_ARGUMENT', message);
}

function onePair(text: string, flag: string): [string, string] {
  const eq = text.indexOf('=');
  const left = eq < 0 ? '' : text.slice(0, eq).trim();
  if (left === '') throw usage(`${flag} expects ${flag === '--set' ? 'key=value' : 'old=new'}, got ${JSON.stringify(text)}`);
  return [left, text.slice(eq + 1).trim()];
}

function oneColumn(text: string, flag: string): FieldSpec {
  const columns = parseColumnList(text);
  if (columns.length !== 1) throw usage(`${flag} takes one column per flag ("name TYPE"), got ${columns.length}: repeat the flag for more`);
  return columns[0]!;
}

/** The schema changes the steps describe, in order. */
export function schemaChanges(steps: readonly AlterStep[]): SchemaChange[] {
  const changes: SchemaChange[] = [];
  let lastAdd: Extract<SchemaChange, { kind: 'addColumn' }> | null = null;
  const place = (move: ColumnMove, flag: string) => {
    if (!lastAdd) throw usage(`${flag} places the column of an --add-column given before it; there is none`);
    if (lastAdd.move) throw usage(`${flag}: column ${lastAdd.column} is already placed`);
    lastAdd.move = move;
  };
  for (const step of steps) {
    switch (step.kind) {
      case 'add': {
        const column = oneColumn(step.text, '--add-column');
        const change = SchemaChange.addColumn(column.name, column.type, column.description) as Extract<SchemaChange, { kind: 'addColumn' }>;
        changes.push(change);
        lastAdd = change;
        continue;
      }
      case 'after':
        place(SchemaChange.after(step.column), '--after');
        continue;
      case 'first':
        place(SchemaChange.first(), '--first');
        continue;
      case 'drop':
        changes.push(SchemaChange.dropColumn(step.column));
        break;
      case 'rename': {
        const [from, to] = onePair(step.text, '--rename-column');
        if (to === '') throw usage(`--rename-column ${from}= needs a new name`);
        changes.push(SchemaChange.renameColumn(from, to));
        break;
      }
      case 'alter': {
        const column = oneColumn(step.text, '--alter-column');
        // Nullability changes only when the text says NULL or NOT NULL; a bare type keeps it.
        const explicitNullability = /\b(NOT\s+)?NULL\s*(COMMENT\s+'(?:[^']|'')*')?\s*$/i.test(step.text);
        changes.push(SchemaChange.updateColumnType(column.name, column.type, !explicitNullability));
        if (column.description !== undefined) changes.push(SchemaChange.updateColumnComment(column.name, column.description));
        break;
      }
      case 'set': {
        const [key, value] = onePair(step.text, '--set');
        changes.push(SchemaChange.setOption(key, value));
        break;
      }
      case 'unset':
        changes.push(SchemaChange.removeOption(step.key));
        break;
    }
    lastAdd = null;
  }
  if (changes.length === 0) throw usage('nothing to change: give --add-column, --drop-column, --rename-column, --alter-column, --set or --unset');
  return changes;
}

export async function alter(tablePath: string, steps: readonly AlterStep[], format: OutputFormat, out: NodeJS.WritableStream): Promise<void> {
  const changes = schemaChanges(steps);
  const table = await FileStoreTable.open(tablePath);
  const altered = await table.alter(changes);
  if (format === 'table') out.write(`altered ${altered.name}: ${changes.length} change${changes.length === 1 ? '' : 's'}, schema ${table.schema.id} -> ${altered.schema.id}\n`);
  await schema(altered.path, format, out);
}
