/**
 * RFC 4180 CSV, streamed: quoted fields may hold commas, quotes ("") and
 * newlines. An empty unquoted field is NULL; a quoted empty field is ''.
 */
export type CsvValue = string | null;

export class CsvParser {
  private field = '';
  private row: CsvValue[] = [];
  private inQuotes = false;
  private quoted = false;
  private afterQuote = false;
  private rows: CsvValue[][] = [];
  line = 1;

  /** Feeds text; returns the rows completed so far. */
  push(text: string): CsvValue[][] {
    for (let i = 0; i < text.length; i++) {
      const ch = text[i]!;
      if (this.inQuotes) {
        if (ch === '"') {
          if (text[i + 1] === '"') {
            this.field += '"';
            i++;
          } else if (i + 1 === text.length) {
            // a quote at the end of a chunk: decide when the next chunk arrives
            this.inQuotes = false;
            this.afterQuote = true;
          } else {
            this.inQuotes = false;
          }
        } else {
          if (ch === '\n') this.line++;
          this.field += ch;
        }
        continue;
      }
      if (this.afterQuote) {
        this.afterQuote = false;
        if (ch === '"') {
          this.field += '"';
          this.inQuotes = true;
          continue;
        }
      }
      if (ch === '"' && this.field === '' && !this.quoted) {
        this.inQuotes = true;
        this.quoted = true;
      } else if (ch === ',') {
        this.endField();
      } else if (ch === '\n') {
        this.endField();
        this.endRow();
        this.line++;
      } else if (ch !== '\r') {
        this.field += ch;
      }
    }
    return this.rows.splice(0);
  }

  /** Ends the input; returns the last row if the text did not end with a newline. */
  end(): CsvValue[][] {
    if (this.inQuotes) throw new Error(`CSV: unterminated quoted field at line ${this.line}`);
    if (this.field !== '' || this.quoted || this.row.length > 0) {
      this.endField();
      this.endRow();
    }
    return this.rows.splice(0);
  }

  private endField(): void {
    this.row.push(this.field === '' && !this.quoted ? null : this.field);
    this.field = '';
    this.quoted = false;
  }

  private endRow(): void {
    if (!(this.row.length === 1 && this.row[0] === null)) this.rows.push(this.row); // blank lines are skipped
    this.row = [];
  }
}
