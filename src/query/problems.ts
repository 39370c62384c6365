// A question the service cannot answer as asked: one constructor, so that every refusal carries
// both its English message and what other languages need to word it.
import { ANSWER_TEXT } from '../i18n/answer-texts.js';
import type { Outcome, QueryErrorCode, QueryProblem } from './types.js';

export function userError(problem: QueryProblem): Extract<Outcome<never>, { kind: 'userError' }> {
  const code: QueryErrorCode = problem.code === 'not-reverse-zone' ? 'bad-key' : problem.code;
  return { kind: 'userError', code, message: ANSWER_TEXT.en.problem(problem), problem };
}
