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
  .description('compact what is due (sorted runs past the trigger, small files), or with --full every bucket into one sorted run')
  .argument('<table-path>')
  .option('--full', 'full compaction: one sorted run per bucket at the top level (deleted and superseded rows are dropped)')
  .option('--partition <col=value>', 'only this partition (repeat for each partition column)', (v: string, all: string[] = []) => [...all, v])
  .action(async (path: string, o) => compact(path, o, process.stdout));

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

// Hive Metastore: register warehouse tables where Hive, Spark and Trino look (loaded on use).
const hmsCommand = program.command('hms').description('Hive Metastore: register Paimon tables of a warehouse (idempotent)');
const hmsConnection = (c: Command): Command =>
  c
    .requiredOption('--uri <uri>', 'metastore URI, thrift://host:9083 (several comma-separated are tried in order)')
    .requiredOption('--warehouse <dir>', 'warehouse directory (holds <db>.db/<table>)')
    .option('--option <key=value>', 'a Hive catalog option (table.type, sync-all-properties, location-in-properties); repeat for more', (v: string, all: string[] = []) => [...all, v])
    .option('--framed', 'framed Thrift transport (hive.metastore.thrift.framed.transport.enabled)')
    .option('--timeout <ms>', 'per metastore call (default 60000)', integer);
hmsConnection(hmsCommand.command('register').description('register one table, or update its registration to the latest schema').argument('<db.table>'))
  .action(async (name: string, o) => (await import('./commands/hms.js')).hmsRegister(name, o, process.stdout));
hmsConnection(hmsCommand.command('sync').description('register every table of every database in the warehouse'))
  .action(async (o) => (await import('./commands/hms.js')).hmsSync(o, process.stdout));

// Arrow Flight: the Spark face and, when available, the Flight SQL face for Trino (loaded on use).
program
  .command('serve')
  .description('serve a warehouse over Arrow Flight (Spark: plain Flight; Trino: Flight SQL) until Ctrl-C')
  .requiredOption('--warehouse <dir>', 'warehouse directory (holds <db>.db/<table>)')
  .option('--port <n>', 'port (0 picks a free one)', integer, 8815)
  .option('--host <address>', 'address to listen on', '127.0.0.1')
  .option('--token <token>', 'accepted bearer token; repeat for more (or set PAIMON_TS_FLIGHT_TOKENS=a,b)', (v: string, all: string[] = []) => [...all, v])
  .option('--tls-cert <pem>', 'TLS certificate chain (with --tls-key)')
  .option('--tls-key <pem>', 'TLS private key (with --tls-cert)')
  .option('--read-only', 'refuse uploads and table actions')
  .option('--max-streams <n>', 'DoGet streams served at once (default 64)', integer)
  .action(async (o) => (await import('./commands/serve.js')).serve(o, process.stdout, process.stderr));

// Trino: CREATE CATALOG for Trino's Paimon connector, and Trino's answers checked against ours (loaded on use).
const trinoCommand = program.command('trino').description("Trino's Paimon connector on this warehouse: its CREATE CATALOG statement, and verification queries");
trinoCommand
  .command('catalog')
  .description("print the CREATE CATALOG statement pointing Trino's Paimon connector at the warehouse (or run it with --run)")
  .requiredOption('--warehouse <dir>', 'warehouse folder (made a file:// URI) or URI (s3://...) as Trino nodes see it')
  .option('--name <catalog>', 'Trino catalog name', 'paimon')
  .option('--property <key=value>', 'another connector property, e.g. s3.endpoint=http://minio:9000; repeat for more', (v: string, all: string[] = []) => [...all, v])
  .option('--url <url>', 'Trino coordinator, e.g. http://trino:8080')
  .option('--user <name>', 'X-Trino-User (a password for basic auth is read from TRINO_PASSWORD)', 'paimon-ts')
  .option('--run', 'run the statement on --url (Trino needs catalog.management=dynamic)')
  .action(async (o) => (await import('./commands/trino.js')).trinoCatalog(o, process.stdout));
trinoCommand
  .command('verify')
  .description('compare count(*) and per-column aggregates of a table as Trino answers them and as paimon-ts does; exit code 1 when they differ')
  .argument('<db.table>')
  .requiredOption('--url <url>', 'Trino coordinator, e.g. http://trino:8080')
  .requiredOption('--warehouse <dir>', 'the warehouse folder paimon-ts reads')
  .option('--catalog <name>', "Trino's catalog for the warehouse", 'paimon')
  .option('--user <name>', 'X-Trino-User (a password for basic auth is read from TRINO_PASSWORD)', 'paimon-ts')
  .action(async (table: string, o) => {
    if (!(await (await import('./commands/trino.js')).trinoVerify(table, o, process.stdout))) process.exitCode = 1;
  });

{
  // Schema changes and bucket rescale (issue 5).
  const { AlterSteps, alter } = await import('./commands/alter.js');
  const { rescale } = await import('./commands/rescale.js');
  const steps = new AlterSteps();
  program
    .command('alter')
    .description('change the schema as one new schema file: add, drop, rename or widen columns, set or unset options (flags repeat and apply in order)')
    .argument('<table-path>')
    .option('--add-column <def>', "add a nullable column: \"name TYPE [COMMENT 'text']\"", steps.collect((text) => ({ kind: 'add', text })))
    .option('--after <column>', 'place the column of the --add-column before this flag after <column>', steps.collect((column) => ({ kind: 'after', column })))
    // a flag without a value: the preset makes commander pass it to the collector
    .addOption(new Option('--first', 'place the column of the --add-column before this flag first').preset('first').argParser(steps.collect(() => ({ kind: 'first' }))))
    .option('--drop-column <column>', 'drop a column (not a key or partition column)', steps.collect((column) => ({ kind: 'drop', column })))
    .option('--rename-column <old=new>', 'rename a column (its field id stays, so old files keep reading)', steps.collect((text) => ({ kind: 'rename', text })))
    .option('--alter-column <def>', 'widen a column\'s type: "name TYPE" (INT -> BIGINT, FLOAT -> DOUBLE, VARCHAR(n) -> STRING, DECIMAL(p, s) -> DECIMAL(p + k, s))', steps.collect((text) => ({ kind: 'alter', text })))
    .option('--set <key=value>', 'set a table option', steps.collect((text) => ({ kind: 'set', text })))
    .option('--unset <key>', 'remove a table option', steps.collect((key) => ({ kind: 'unset', key })))
    .addOption(formatOption())
    .action(async (path: string, o) => alter(path, steps.steps, o.format, process.stdout));
  program
    .command('rescale')
    .description('change the bucket count and rewrite partitions with it (INSERT OVERWRITE, one commit); other partitions keep their count')
    .argument('<table-path>')
    .requiredOption('--bucket <n>', 'the new bucket count')
    .option('--partition <col=value>', 'rewrite only this partition (repeat for each partition column); default: all', (v: string, all: string[] = []) => [...all, v])
    .action(async (path: string, o) => rescale(path, o, process.stdout));
}

try {
  await program.parseAsync(process.argv);
} catch (e) {
  const message = e instanceof PaimonError ? `${e.message} [${e.code}]` : e instanceof Error ? e.message : String(e);
  process.stderr.write(`paimon-ts: error: ${message.split('\n')[0]}\n`);
  process.exitCode = 1;
}
