import { quoteIdentifier } from '../identifiers.js';

/** Every database object the store uses, derived from its schema and table, quoted for SQL. */
export interface ObjectNames {
  schema: string;
  table: string;
  /** `"schema"."table"`: one row per state key. */
  qualifiedTable: string;
  /** Records applied migration versions. */
  qualifiedMigrations: string;
  /** The decision function: evaluates every policy of a request in one statement. */
  qualifiedDecide: string;
  /** The decision function for policy sets with a penalty (sql/penalty-function.ts); it calls `qualifiedDecide`. */
  qualifiedDecidePenalty: string;
  /** Deletes one batch of expired rows. */
  qualifiedSweep: string;
  /** Index on expires_at, for the sweep. */
  expiresIndex: string;
  /** Quoted schema name. */
  quotedSchema: string;
}

export function objectNames(schema: string, table: string): ObjectNames {
  const qualify = (name: string) => quoteIdentifier(schema) + '.' + quoteIdentifier(name);
  return {
    schema,
    table,
    qualifiedTable: qualify(table),
    qualifiedMigrations: qualify(table + '_migrations'),
    qualifiedDecide: qualify(table + '_decide'),
    qualifiedDecidePenalty: qualify(table + '_decide_penalty'),
    qualifiedSweep: qualify(table + '_sweep'),
    expiresIndex: quoteIdentifier(table + '_expires_at_idx'),
    quotedSchema: quoteIdentifier(schema),
  };
}
