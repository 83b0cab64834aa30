import {
  InvalidOptionError,
  MODE_CODES,
  msToMicros,
  decodeResult,
  penaltyMemoryUs,
  RESULT_FIELDS,
  type PenaltyPolicy,
  type Policy,
  type PolicyResult,
  type StoreRequest,
} from '@sluice/core';
import type { QueryArrayConfig } from 'pg';
import { buildPlan, type PolicyPlan } from './policy-plan.js';
import type { ObjectNames } from './sql/names.js';
import { statementName } from './statement-name.js';

/** Costs beyond every limit behave alike; clamping keeps them inside bigint arithmetic. */
const MAX_COST = Number.MAX_SAFE_INTEGER;

/** A policy set with a penalty, as the penalty function (sql/penalty-function.ts) takes it. */
export interface PenaltyPlan {
  readonly penalty: PenaltyPolicy;
  /** Where the penalty is in the caller's policy order. */
  readonly at: number;
  /** The other policies' plan (lock order, their results in their order); undefined when there are none. */
  readonly others: PolicyPlan | undefined;
  readonly othersCount: number;
  readonly text: string;
  readonly name: string;
  readonly steps: string;
  readonly memoryUs: number;
}

const plans = new WeakMap<readonly Policy[], PenaltyPlan | null>();

/** The penalty plan of `policies` (cached per array), or undefined when none of them is a penalty. */
export function penaltyPlan(policies: readonly Policy[], names: ObjectNames): PenaltyPlan | undefined {
  let plan = plans.get(policies);
  if (plan === undefined) {
    const at = policies.findIndex((policy) => policy.algorithm === 'penalty');
    if (at < 0) plan = null;
    else {
      const others = policies.filter((_, index) => index !== at);
      const penalty = policies[at] as PenaltyPolicy;
      const text =
        `SELECT ${names.qualifiedDecidePenalty}($1::text, $2::text, $3::bigint, $4::bigint, $5::bigint, $6::bigint[], ` +
        '$7::text[], $8::smallint[], $9::bigint[], $10::bigint[], $11::bigint[], $12::bigint, $13::smallint, $14::bigint, $15::text)';
      plan = {
        penalty,
        at,
        others: others.length === 0 ? undefined : buildPlan(others, names),
        othersCount: others.length,
        text,
        name: statementName(text),
        steps: '{' + penalty.blockForUs.join(',') + '}',
        memoryUs: penaltyMemoryUs(penalty),
      };
    }
    plans.set(policies, plan);
  }
  return plan ?? undefined;
}

/** The one statement deciding `request` under `plan`. Throws InvalidOptionError for a mode the store does not take. */
export function penaltyQuery(plan: PenaltyPlan, request: StoreRequest, named: boolean): QueryArrayConfig {
  const mode = MODE_CODES[request.mode];
  if (mode === undefined) throw new InvalidOptionError('mode', request.mode, "'consume', 'peek', 'refund', 'release' or 'renew'");
  const others = plan.others;
  return {
    name: named ? plan.name : undefined,
    text: plan.text,
    rowMode: 'array',
    values: [
      request.key,
      plan.penalty.id,
      plan.penalty.limit,
      plan.penalty.withinUs,
      plan.memoryUs,
      plan.steps,
      others?.ids ?? '{}',
      others?.algorithms ?? '{}',
      others?.limits ?? '{}',
      others?.spans ?? '{}',
      others?.windowMs ?? '{}',
      Math.min(request.cost, MAX_COST),
      mode,
      request.nowMs === undefined ? null : msToMicros(request.nowMs),
      request.lease ?? null,
    ],
  };
}

/** The function's figures (the others' in lock order, then the penalty's) as results in policy order. */
export function penaltyResults(plan: PenaltyPlan, figures: readonly number[]): PolicyResult[] {
  const results = plan.others === undefined ? [] : plan.others.results(figures.slice(0, plan.othersCount * RESULT_FIELDS));
  results.splice(plan.at, 0, decodeResult(plan.penalty, figures, plan.othersCount * RESULT_FIELDS));
  return results;
}
