/**
 * SQL-like filter text, as the CLI's `--where` takes it:
 *   f1 = 10 AND (f0 IN ('a', 'b') OR f3 IS NULL) AND NOT f2 >= 3
 * Literals are numbers, 'quoted strings' (converted to the column's type
 * when bound: dates, timestamps, decimals), TRUE, FALSE and NULL. Column
 * names may be `back-quoted`.
 */
import { PaimonError } from '../errors.js';
import type { Value } from '../types/values.js';
import type { CompareOp, Predicate } from './predicate.js';

type Tok = { kind: 'ident' | 'number' | 'string' | 'op' | 'punct' | 'word'; text: string; pos: number };

const KEYWORDS = new Set(['AND', 'OR', 'NOT', 'IN', 'IS', 'NULL', 'TRUE', 'FALSE', 'BETWEEN']);

function tokenize(text: string): Tok[] {
  const out: Tok[] = [];
  const re = /\s*(?:(`(?:[^`]|``)+`)|('(?:[^']|'')*')|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|(<=|>=|<>|!=|=|<|>)|([(),])|([A-Za-z_][A-Za-z0-9_$.]*))/y;
  let pos = 0;
  while (pos < text.length) {
    if (/^\s*$/.test(text.slice(pos))) break;
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m) throw new PaimonError('INVALID_PREDICATE', `cannot parse filter at position ${pos}: ${JSON.stringify(text.slice(pos, pos + 20))}`);
    if (m[1]) out.push({ kind: 'ident', text: m[1].slice(1, -1).replace(/``/g, '`'), pos });
    else if (m[2]) out.push({ kind: 'string', text: m[2].slice(1, -1).replace(/''/g, "'"), pos });
    else if (m[3]) out.push({ kind: 'number', text: m[3], pos });
    else if (m[4]) out.push({ kind: 'op', text: m[4], pos });
    else if (m[5]) out.push({ kind: 'punct', text: m[5], pos });
    else {
      const word = m[6]!;
      out.push(KEYWORDS.has(word.toUpperCase()) ? { kind: 'word', text: word.toUpperCase(), pos } : { kind: 'ident', text: word, pos });
    }
    pos = re.lastIndex;
  }
  return out;
}

export function parsePredicate(text: string): Predicate {
  const toks = tokenize(text);
  let i = 0;
  const fail = (what: string): never => {
    const t = toks[i];
    throw new PaimonError('INVALID_PREDICATE', `filter ${JSON.stringify(text)}: expected ${what} ${t ? `at position ${t.pos} (found ${JSON.stringify(t.text)})` : 'at the end'}`);
  };
  const peekWord = (w: string) => toks[i]?.kind === 'word' && toks[i]!.text === w;
  const acceptWord = (w: string) => (peekWord(w) ? (i++, true) : false);
  const acceptPunct = (p: string) => (toks[i]?.kind === 'punct' && toks[i]!.text === p ? (i++, true) : false);

  const literal = (): Value => {
    const t = toks[i++];
    if (!t) return fail('a literal');
    if (t.kind === 'string') return t.text;
    if (t.kind === 'number') return /^-?\d+$/.test(t.text) ? (Number.isSafeInteger(Number(t.text)) ? Number(t.text) : BigInt(t.text)) : Number(t.text);
    if (t.kind === 'word' && t.text === 'TRUE') return true;
    if (t.kind === 'word' && t.text === 'FALSE') return false;
    if (t.kind === 'word' && t.text === 'NULL') return null;
    i--;
    return fail('a literal');
  };

  const primary = (): Predicate => {
    if (acceptWord('NOT')) return { op: 'not', child: primary() };
    if (acceptPunct('(')) {
      const p = disjunction();
      if (!acceptPunct(')')) fail('")"');
      return p;
    }
    const t = toks[i];
    if (!t || t.kind !== 'ident') return fail('a column name');
    i++;
    const field = t.text;
    if (acceptWord('IS')) {
      const negated = acceptWord('NOT');
      if (!acceptWord('NULL')) fail('NULL');
      return { op: negated ? 'isNotNull' : 'isNull', field };
    }
    const negated = acceptWord('NOT');
    if (acceptWord('IN')) {
      if (!acceptPunct('(')) fail('"("');
      const literals = [literal()];
      while (acceptPunct(',')) literals.push(literal());
      if (!acceptPunct(')')) fail('")"');
      return { op: negated ? 'notIn' : 'in', field, literals };
    }
    if (acceptWord('BETWEEN')) {
      const low = literal();
      if (!acceptWord('AND')) fail('AND');
      const high = literal();
      const range: Predicate = { op: 'and', children: [{ op: '>=', field, literal: low }, { op: '<=', field, literal: high }] };
      return negated ? { op: 'not', child: range } : range;
    }
    if (negated) fail('IN or BETWEEN after NOT');
    const op = toks[i];
    if (!op || op.kind !== 'op') return fail('a comparison operator');
    i++;
    const cmp = (op.text === '<>' ? '!=' : op.text) as CompareOp;
    return { op: cmp, field, literal: literal() };
  };

  const conjunction = (): Predicate => {
    const parts = [primary()];
    while (acceptWord('AND')) parts.push(primary());
    return parts.length === 1 ? parts[0]! : { op: 'and', children: parts };
  };
  const disjunction = (): Predicate => {
    const parts = [conjunction()];
    while (acceptWord('OR')) parts.push(conjunction());
    return parts.length === 1 ? parts[0]! : { op: 'or', children: parts };
  };

  if (toks.length === 0) fail('a condition');
  const p = disjunction();
  if (i < toks.length) fail('the end of the filter');
  return p;
}
