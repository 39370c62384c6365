// What a heavy task is and how it is answered: the same code in a worker thread and in the
// calling thread (tests). A composition root like main.ts, so it may assemble the front ends'
// answer code (whois/handler, rdap/searches) over one query service.
import type { Config } from '../config.js';
import type { Caller } from '../policy/access.js';
import type { LookupService } from '../query/service.js';
import { answerSearch, type SearchQuestion } from '../rdap/searches.js';
import { answerMe, type MeAnswer, type MeQuestion } from '../http/member-answer.js';
import { SearchStore } from '../store/search.js';
import { rowsReadSoFar } from '../store/rows.js';
import { whoisHandlerFor, type WhoisReply } from '../whois/handler.js';

export type HeavyTask =
  | { readonly kind: 'whois'; readonly line: string; readonly caller: Caller }
  | { readonly kind: 'rdap-search'; readonly question: SearchQuestion }
  /** GET /me: a member's whole report, thousands of networks for a large member (issue 14). */
  | { readonly kind: 'member-report'; readonly question: MeQuestion };

/** The answer, and the registry rows it read (what the query is charged for). */
export type HeavyResult =
  | { readonly kind: 'whois'; readonly reply: WhoisReply; readonly rows: number }
  | { readonly kind: 'rdap-search'; readonly status: number; readonly json: string; readonly disclosed: readonly string[]; readonly rows: number }
  | { readonly kind: 'member-report'; readonly answer: MeAnswer; readonly rows: number };

export function heavyAnswerer(config: Config, service: LookupService): (task: HeavyTask) => HeavyResult {
  const whois = whoisHandlerFor(config, service);
  const search = new SearchStore(service.objects.database);
  return (task) => {
    const before = rowsReadSoFar();
    if (task.kind === 'whois') {
      const reply = whois.answer(task.line, task.caller);
      return { kind: 'whois', reply, rows: rowsReadSoFar() - before };
    }
    if (task.kind === 'member-report') {
      return { kind: 'member-report', answer: answerMe(service, config.registry, task.question), rows: rowsReadSoFar() - before };
    }
    const answer = answerSearch(service, search, task.question);
    // Serialised here: a body of megabytes is copied back as one string, not rebuilt object by
    // object and stringified again on the thread that answers everyone.
    return { kind: 'rdap-search', status: answer.status, json: JSON.stringify(answer.body), disclosed: answer.disclosed, rows: rowsReadSoFar() - before };
  };
}
