#!/usr/bin/env node
/** paimon-ts: the command-line front door to Paimon tables. */
import { Command, InvalidArgumentError } from 'commander';
import { PaimonError } from '@paimon-ts/core';
import { cat } from './commands/cat.js';
import { files, schema, snapshots } from './commands/info.js';
import { parseFormat } from './output/formats.js';

function integer(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError('expected a non-negative integer');
  return n;
}

const program = new Command()
  .name('paimon-ts')
  .description('Read Apache Paimon tables: rows, schema, snapshots and files.')
  .version('0.1.0')
  .showHelpAfterError();

program
  .command('cat')
  .description('print the rows of a table')
  .argument('<table-path>', 'table directory (<warehouse>/<db>.db/<table>)')
  .option('--snapshot <id>', 'read this snapshot (time travel)', integer)
  .option('--tag <name>', 'read this tag')
  .option('--columns <a,b>', 'columns to print, in order', (v: string) => v.split(',').map((s) => s.trim()))
  .option('--where <predicate>', "filter, e.g. \"f1 = 10 AND f0 IN ('a','b')\"")
  .option('--limit <n>', 'print at most n rows', integer)
  .option('--format <format>', 'table, jsonl or csv', parseFormat, 'table' as const)
  .action(async (path: string, o) => cat(path, o, process.stdout));

program
  .command('schema')
  .description('print the current schema')
  .argument('<table-path>')
  .option('--format <format>', 'table, jsonl or csv', parseFormat, 'table' as const)
  .action(async (path: string, o) => schema(path, o.format, process.stdout));

program
  .command('snapshots')
  .description('list the snapshots')
  .argument('<table-path>')
  .option('--format <format>', 'table, jsonl or csv', parseFormat, 'table' as const)
  .action(async (path: string, o) => snapshots(path, o.format, process.stdout));

program
  .command('files')
  .description('list the live data files of a snapshot')
  .argument('<table-path>')
  .option('--snapshot <id>', 'at this snapshot (default: latest)', integer)
  .option('--format <format>', 'table, jsonl or csv', parseFormat, 'table' as const)
  .action(async (path: string, o) => files(path, o.snapshot, o.format, process.stdout));

try {
  await program.parseAsync(process.argv);
} catch (e) {
  const message = e instanceof PaimonError ? `${e.message} [${e.code}]` : e instanceof Error ? e.message : String(e);
  process.stderr.write(`paimon-ts: error: ${message.split('\n')[0]}\n`);
  process.exitCode = 1;
}
