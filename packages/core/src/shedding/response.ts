import { retryAfterSeconds } from '../headers/seconds.js';
import { ProblemTypes } from '../http/problem.js';
import type { Priority } from './priority.js';

/** RFC 9457 body of a shed request (503). */
export interface ShedProblem {
  /** ProblemTypes.TEMPORARY_REDUCED_CAPACITY. */
  type: string;
  /** 'Temporary Reduced Capacity'. */
  title: string;
  /** Always 503. */
  status: 503;
  /** A sentence for people: shed at the concurrency limit, retry in N seconds. */
  detail: string;
  /** The priority the request had. */
  priority: Priority;
  /** Seconds, as in Retry-After. */
  retryAfter: number;
}

/** What an adapter writes for a shed request: status 503, `Retry-After: <retryAfter>`, and `body` as problem+json. */
export interface ShedResponse {
  /** Always 503. */
  status: 503;
  /** The Retry-After value: whole seconds, at least 1. */
  retryAfter: string;
  /** The problem details object. */
  problem: ShedProblem;
  /** `problem` serialised once. */
  body: string;
}

/** The three responses, built once per middleware: shedding must stay cheap when it matters most. */
export function shedResponses(retryAfterMs: number): Record<Priority, ShedResponse> {
  const wait = retryAfterSeconds(retryAfterMs);
  const make = (priority: Priority): ShedResponse => {
    const problem: ShedProblem = {
      type: ProblemTypes.TEMPORARY_REDUCED_CAPACITY,
      title: 'Temporary Reduced Capacity',
      status: 503,
      detail: `The server is at its concurrency limit and shed this ${priority} request; retry in ${wait === 1 ? '1 second' : `${wait} seconds`}.`,
      priority,
      retryAfter: wait,
    };
    return { status: 503, retryAfter: String(wait), problem, body: JSON.stringify(problem) };
  };
  return { critical: make('critical'), normal: make('normal'), sheddable: make('sheddable') };
}
