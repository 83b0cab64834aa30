import {
  ALGORITHM_CODES,
  ALGORITHMS,
  decodeResult,
  RESULT_FIELDS,
  UnsupportedAlgorithmError,
  type Policy,
  type PolicyResult,
} from '@sluice/core';
import type { ObjectNames } from './sql/names.js';
import { statementName } from './statement-name.js';
import { hasUpsert, upsertSql } from './sql/upsert.js';

/**
 * What the decision function needs to know about one policy set, built once per policies
 * array and reused for every request: the parameter arrays as ready-made Postgres array
 * literals, in lock order (sorted by policy id, so concurrent requests lock rows in the
 * same order and never deadlock), and the way back to the caller's order.
 */
export interface PolicyPlan {
  ids: string;
  algorithms: string;
  limits: string;
  spans: string;
  windowMs: string;
  /** One policy whose consume is a single upsert (sql/upsert.ts); undefined: the decision function decides. */
  upsert: UpsertPlan | undefined;
  /** Turns the function's flat figures (lock order) into results in policy order. */
  results(figures: readonly number[]): PolicyResult[];
}

export interface UpsertPlan {
  policy: Policy;
  /** `:<policy id>`, appended to the request's base key. */
  suffix: string;
  text: string;
  /** Its prepared statement's name. */
  name: string;
}

function arrayLiteral(values: readonly (string | number)[]): string {
  return '{' + values.map((value) => (typeof value === 'number' ? String(value) : quoteElement(value))).join(',') + '}';
}

function quoteElement(value: string): string {
  return '"' + value.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"';
}

export function buildPlan(policies: readonly Policy[], names: ObjectNames): PolicyPlan {
  policies.forEach((policy, index) => {
    if (!(policy.algorithm in ALGORITHM_CODES)) {
      throw new UnsupportedAlgorithmError(`policies[${index}]`, String(policy.algorithm), 'PostgresStore', ALGORITHMS);
    }
  });
  const order = policies.map((_, index) => index);
  order.sort((a, b) => {
    const x = policies[a]!.id;
    const y = policies[b]!.id;
    return x < y ? -1 : x > y ? 1 : 0;
  });
  const sorted = order.map((index) => policies[index]!);
  let upsert: UpsertPlan | undefined;
  if (policies.length === 1 && hasUpsert(policies[0]!)) {
    const text = upsertSql(names, policies[0]!);
    upsert = { policy: policies[0]!, suffix: ':' + policies[0]!.id, text, name: statementName(text) };
  }
  return {
    upsert,
    ids: arrayLiteral(sorted.map((p) => p.id)),
    // Checked above: every policy here has a code (the cast keeps core's wider Algorithm type out).
    algorithms: arrayLiteral(sorted.map((p) => ALGORITHM_CODES[p.algorithm as keyof typeof ALGORITHM_CODES])),
    limits: arrayLiteral(sorted.map((p) => p.limit)),
    spans: arrayLiteral(sorted.map((p) => ('windowUs' in p ? p.windowUs : 'intervalUs' in p ? p.intervalUs : 'leaseUs' in p ? p.leaseUs : 0))),
    windowMs: arrayLiteral(sorted.map((p) => ('windowUs' in p ? p.windowMs : 0))),
    results(figures) {
      const results: PolicyResult[] = new Array(order.length);
      for (let slot = 0; slot < order.length; slot++) {
        const index = order[slot]!;
        results[index] = decodeResult(policies[index]!, figures, slot * RESULT_FIELDS);
      }
      return results;
    },
  };
}
