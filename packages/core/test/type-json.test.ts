import { describe, expect, it } from 'vitest';
import { parseTypeJson, parseTypeString, typeToJson } from '../src/types/type-json.js';
import { typeToString } from '../src/types/data-type.js';
import { PaimonError } from '../src/errors.js';

describe('type strings', () => {
  const canonical = [
    'BOOLEAN', 'TINYINT', 'SMALLINT', 'INT', 'BIGINT', 'FLOAT', 'DOUBLE', 'DECIMAL(10, 2)', 'DECIMAL(38, 18)',
    'CHAR(3)', 'VARCHAR(20)', 'STRING', 'BINARY(4)', 'VARBINARY(9)', 'BYTES', 'DATE', 'TIME(0)', 'TIME(3)',
    'TIMESTAMP(0)', 'TIMESTAMP(3)', 'TIMESTAMP(6)', 'TIMESTAMP(9)', 'TIMESTAMP(3) WITH LOCAL TIME ZONE',
    'VARIANT', 'BLOB', 'INT NOT NULL', 'STRING NOT NULL', 'TIMESTAMP(6) WITH LOCAL TIME ZONE NOT NULL',
    'ARRAY<INT>', 'MAP<STRING, BIGINT NOT NULL>', 'MULTISET<STRING> NOT NULL', 'ROW<`a` INT, `b` ARRAY<STRING>>',
  ];
  for (const s of canonical) {
    it(`round-trips ${s}`, () => expect(typeToString(parseTypeString(s))).toBe(s));
  }

  it('accepts the aliases Paimon accepts', () => {
    expect(typeToString(parseTypeString('INTEGER'))).toBe('INT');
    expect(typeToString(parseTypeString('DOUBLE PRECISION'))).toBe('DOUBLE');
    expect(typeToString(parseTypeString('NUMERIC(5,1)'))).toBe('DECIMAL(5, 1)');
    expect(typeToString(parseTypeString('DEC'))).toBe('DECIMAL(10, 0)');
    expect(typeToString(parseTypeString('TIMESTAMP_LTZ(3)'))).toBe('TIMESTAMP(3) WITH LOCAL TIME ZONE');
    expect(typeToString(parseTypeString('timestamp'))).toBe('TIMESTAMP(6)');
    expect(typeToString(parseTypeString('VARCHAR(2147483647)'))).toBe('STRING');
  });

  it('rejects unknown types with UNKNOWN_TYPE', () => {
    for (const bad of ['INTT', 'DECIMAL(40, 2)', 'TIMESTAMP(12)', 'ARRAY<INT', 'MAP<INT>', '']) {
      const err = (() => {
        try {
          parseTypeString(bad);
        } catch (e) {
          return e;
        }
      })();
      expect(err, bad).toBeInstanceOf(PaimonError);
      expect((err as PaimonError).code).toBe('UNKNOWN_TYPE');
    }
  });
});

describe('schema-file type JSON', () => {
  it('reads nested objects with field ids and writes them back identically', () => {
    const json = {
      type: 'ROW NOT NULL',
      fields: [
        { id: 3, name: 'f0', type: { type: 'MAP', key: 'STRING NOT NULL', value: 'INT' } },
        { id: 4, name: 'f1', type: { type: 'ARRAY', element: 'DECIMAL(5, 2)' }, description: 'amounts' },
      ],
    };
    const type = parseTypeJson(json);
    expect(type.kind).toBe('ROW');
    expect(type.nullable).toBe(false);
    expect(typeToJson(type)).toEqual(json);
  });

  it('writes atomic types as strings', () => {
    expect(typeToJson(parseTypeString('TIMESTAMP(3) NOT NULL'))).toBe('TIMESTAMP(3) NOT NULL');
  });

  it('rejects an object without a type keyword', () => {
    expect(() => parseTypeJson({ element: 'INT' })).toThrow(PaimonError);
  });
});
