/**
 * Replaces one member of a JSON document in its text. DuckDB's serialized
 * ASTs hold 64-bit numbers (constants, `query_location`) that JSON.parse
 * would round, so a statement is edited as text and everything not replaced
 * reaches `json_deserialize_sql` byte for byte.
 */

function skipWs(text: string, i: number): number {
  while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  return i;
}

function stringEnd(text: string, i: number): number {
  // text[i] is the opening quote
  for (let j = i + 1; j < text.length; j++) {
    if (text[j] === '\\') j++;
    else if (text[j] === '"') return j + 1;
  }
  throw new Error('unterminated JSON string');
}

/** The end (exclusive) of the JSON value starting at `i`. */
function valueEnd(text: string, i: number): number {
  const ch = text[i];
  if (ch === '"') return stringEnd(text, i);
  if (ch === '{' || ch === '[') {
    let depth = 0;
    for (let j = i; j < text.length; j++) {
      const c = text[j];
      if (c === '"') j = stringEnd(text, j) - 1;
      else if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') {
        depth--;
        if (depth === 0) return j + 1;
      }
    }
    throw new Error('unterminated JSON value');
  }
  let j = i;
  while (j < text.length && !',}] \n\r\t'.includes(text[j]!)) j++;
  return j;
}

/** Start of the member value `key` of the object at `i`, or of element `index` of the array at `i`. */
function childStart(text: string, i: number, step: string | number): number {
  const open = text[i];
  let j = skipWs(text, i + 1);
  let index = 0;
  while (text[j] !== (open === '{' ? '}' : ']')) {
    if (open === '{') {
      const keyEnd = stringEnd(text, j);
      const key = JSON.parse(text.slice(j, keyEnd)) as string;
      j = skipWs(text, keyEnd);
      if (text[j] !== ':') throw new Error('malformed JSON object');
      j = skipWs(text, j + 1);
      if (key === step) return j;
    } else if (index === step) {
      return j;
    }
    j = skipWs(text, valueEnd(text, j));
    index++;
    if (text[j] === ',') j = skipWs(text, j + 1);
  }
  throw new Error(`JSON path step ${String(step)} not found`);
}

/** `text` with the value at `path` replaced by `replacement` (JSON text). */
export function replaceJsonValue(text: string, path: readonly (string | number)[], replacement: string): string {
  let start = skipWs(text, 0);
  for (const step of path) start = childStart(text, start, step);
  const end = valueEnd(text, start);
  return text.slice(0, start) + replacement + text.slice(end);
}
