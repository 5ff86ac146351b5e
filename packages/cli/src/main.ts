#!/usr/bin/env node
/** paimon-ts: the command-line front door to Paimon tables. */
import { Command, InvalidArgumentError, Option } from 'commander';
import { PaimonError } from '@paimon-ts/core';
import { cat } from './commands/cat.js';
import { create, splitNames } from './commands/create.js';
import { demo } from './commands/demo.js';
import { writeFile } from './commands/write.js';
import { tail } from './commands/tail.js';
import { compact } from './commands/compact.js';
import { FileSystemCatalog } from '@paimon-ts/core';
import { files, schema, snapshots } from './commands/info.js';
import { parseFormat } from './output/formats.js';
import { expire, orphans } from './commands/expire.js';
import { tagCreate, tagDelete, tagList } from './commands/tag.js';
import { rollback } from './commands/rollback.js';

function integer(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError('expected a non-negative integer');
  return n;
}

/** The output format option every printing command shares. */
function formatOption(): Option {
  return new Option('--format <format>', 'table, jsonl or csv').argParser(parseFormat).default('table');
}

const program = new Command()
  .name('paimon-ts')
  .description('Apache Paimon tables from the command line: create, write, read, inspect.')
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
  .addOption(formatOption())
  .action(async (path: string, o) => cat(path, o, process.stdout));

program
  .command('schema')
  .description('print the current schema')
  .argument('<table-path>')
  .addOption(formatOption())
  .action(async (path: string, o) => schema(path, o.format, process.stdout));

program
  .command('snapshots')
  .description('list the snapshots')
  .argument('<table-path>')
  .addOption(formatOption())
  .action(async (path: string, o) => snapshots(path, o.format, process.stdout));

program
  .command('files')
  .description('list the live data files of a snapshot')
  .argument('<table-path>')
  .option('--snapshot <id>', 'at this snapshot (default: latest)', integer)
  .addOption(formatOption())
  .action(async (path: string, o) => files(path, o.snapshot, o.format, process.stdout));

program
  .command('create')
  .description('create an empty table (and its database if missing) in a warehouse folder')
  .argument('<warehouse>', 'warehouse directory (holds <db>.db/<table>)')
  .argument('<db.table>', 'database and table name')
  .requiredOption('--schema <columns>', "columns: \"id BIGINT, name STRING COMMENT 'who', addr ROW<city STRING>, ...\"")
  .option('--primary-key <a,b>', 'primary-key columns', splitNames)
  .option('--partition <p,q>', 'partition columns', splitNames)
  .option('--bucket <n>', 'bucket count (-1 dynamic/unaware, -2 postpone, > 0 fixed)')
  .option('--option <key=value>', 'a table option; repeat for more', (v: string, all: string[] = []) => [...all, v])
  .option('--comment <text>', 'table comment')
  .action(async (warehouse: string, name: string, o) => create(warehouse, name, o, process.stdout));

program
  .command('write')
  .description('write a CSV (with header), JSON-lines or Parquet file into a table as one commit')
  .argument('<warehouse>', 'warehouse directory')
  .argument('<db.table>', 'database and table name')
  .requiredOption('--from <file>', 'input file: .csv, .jsonl or .parquet')
  .option('--overwrite', 'INSERT OVERWRITE: replace the partitions the data touches (the whole table when unpartitioned)')
  .option('--kind-column <col>', 'column holding the row kind (+I, -U, +U, -D); it is not written')
  .action(async (warehouse: string, name: string, o) => {
    const table = await new FileSystemCatalog(warehouse).getTable(name);
    const partitioned = table.partitionKeys.length > 0;
    const summary = await writeFile(table, { from: o.from, overwrite: o.overwrite, kindColumn: o.kindColumn, overwriteMode: partitioned ? 'dynamic' : 'all' });
    const kinds = Object.entries(summary.kinds).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}`).join(', ');
    process.stdout.write(`wrote ${summary.rows} rows (${kinds || 'none'}) to ${table.name}: snapshot ${summary.snapshot ?? 'unchanged'}\n`);
  });

program
  .command('tail')
  .description('follow a table: print each change (+I, -U, +U, -D) as it is committed, until Ctrl-C')
  .argument('<table-path>')
  .option('--from <start>', 'latest | earliest | snapshot:N | timestamp:T (default: the full latest snapshot, then changes)')
  .option('--consumer <id>', 'save progress under this consumer id and resume from it')
  .option('--format <format>', 'jsonl or table', (v: string) => {
    if (v !== 'jsonl' && v !== 'table') throw new InvalidArgumentError('use jsonl or table');
    return v;
  }, 'table')
  .action(async (path: string, o) => tail(path, o, process.stdout));

program
  .command('sql')
  .description('DuckDB SQL over Paimon tables (a shell when no query is given); the warehouse tables are <db>.<table>')
  .argument('[query]', "SQL, e.g. \"SELECT dt, sum(amount) FROM shop.orders GROUP BY dt\"; ';' separates statements")
  .option('--warehouse <dir>', 'warehouse folder whose tables are attached')
  .option('--name <catalog>', 'DuckDB catalog name for the warehouse', 'paimon')
  .addOption(formatOption())
  .option('--explain', 'print the rewritten SQL and the files each Paimon scan reads (stderr)')
  .action(async (query: string | undefined, o) => (await import('./commands/sql.js')).sql(query, o, process.stdout));

program
  .command('compact')
  .description('full compaction: rewrite each bucket as one sorted run (deleted and superseded rows are dropped)')
  .argument('<table-path>')
  .option('--full', 'full compaction (the only kind so far; the default)')
  .action(async (path: string) => compact(path, process.stdout));

program
  .command('demo')
  .description('create a demo table in a local warehouse, write inserts, updates and deletes, and show it')
  .argument('[warehouse]', 'warehouse directory', './warehouse')
  .action(async (warehouse: string) => demo(warehouse, process.stdout));

program
  .command('expire')
  .description('expire old snapshots (table options snapshot.num-retained.*, snapshot.time-retained by default) and delete the files only they used')
  .argument('<table-path>')
  .option('--retain-min <n>', 'keep at least this many snapshots (default: snapshot.num-retained.min, 10)')
  .option('--retain-max <n>', 'keep at most this many snapshots (default: snapshot.num-retained.max)')
  .option('--older-than <duration>', 'only snapshots older than this expire, e.g. 1h, 30min, 2d (default: snapshot.time-retained, 1h)')
  .option('--max-deletes <n>', 'expire at most this many snapshots (default: snapshot.expire.limit, 50)')
  .action(async (path: string, o) => expire(path, o, process.stdout));

const tagCommand = program.command('tag').description('create, delete or list tags: named snapshots whose files expiration keeps');
tagCommand
  .command('create')
  .description('tag a snapshot (default: the latest)')
  .argument('<table-path>')
  .argument('[name]', 'the tag name')
  .option('--snapshot <id>', 'the snapshot to tag')
  .option('--time-retained <duration>', 'the tag expires after this long (written as tagTimeRetained), e.g. 7d')
  .action(async (path: string, name: string | undefined, o) => tagCreate(path, name, o, process.stdout));
tagCommand
  .command('delete')
  .description('delete a tag, and the files only it kept alive')
  .argument('<table-path>')
  .argument('[name]', 'the tag name')
  .action(async (path: string, name: string | undefined) => tagDelete(path, name, process.stdout));
tagCommand
  .command('list')
  .description('list the tags')
  .argument('<table-path>')
  .action(async (path: string) => tagList(path, process.stdout));

program
  .command('rollback')
  .description('roll the table back to a snapshot or a tag: newer snapshots and tags, and the files only they used, are deleted')
  .argument('<table-path>')
  .option('--to <target>', 'snapshot:N or tag:NAME')
  .action(async (path: string, o) => rollback(path, o.to, process.stdout));

program
  .command('orphans')
  .description('delete files nothing references (data, manifests, index files, leftovers of crashed commits) older than a guard')
  .argument('<table-path>')
  .option('--older-than <duration>', 'only files older than this, e.g. 1d, 12h', '1d')
  .option('--dry-run', 'list what would be deleted, delete nothing')
  .action(async (path: string, o) => orphans(path, o, process.stdout));

try {
  await program.parseAsync(process.argv);
} catch (e) {
  const message = e instanceof PaimonError ? `${e.message} [${e.code}]` : e instanceof Error ? e.message : String(e);
  process.stderr.write(`paimon-ts: error: ${message.split('\n')[0]}\n`);
  process.exitCode = 1;
}
