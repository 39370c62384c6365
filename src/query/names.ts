// Finding objects by name (netname, org-name, as-name, role, irt, mntner; person names only
// for callers entitled to them): one rule for WHOIS and the web page. Current data only: names
// are indexed for current objects.
import type { StoredObject } from '../model/types.js';
import { mayDisclosePersonalData, maySearchPersons, type Caller } from '../policy/access.js';
import { NAME_ATTRIBUTE } from '../store/rows.js';
import { SearchStore } from '../store/search.js';
import type { Db } from '../store/db.js';

export interface NamesFound {
  readonly objects: StoredObject[];
  /** More objects have the name than were returned. */
  readonly more: boolean;
}

export class NameSearch {
  private readonly search: SearchStore;

  constructor(db: Db) {
    this.search = new SearchStore(db);
  }

  /**
   * Current objects whose name is `name` (any case), or starts with it for `prefix`. Persons
   * the caller may not see are skipped before the limit, so they neither show nor count.
   */
  find(name: string, caller: Caller, limit: number, match: 'exact' | 'prefix' = 'exact'): NamesFound {
    const persons = maySearchPersons(caller);
    // Member rows repeat their organisation's name; the organisation is the answer.
    const classes = Object.keys(NAME_ATTRIBUTE).filter((c) => c !== 'member' && (c !== 'person' || persons !== 'none'));
    const keep = persons === 'own' ? (o: StoredObject) => o.className !== 'person' || mayDisclosePersonalData(caller, o) : undefined;
    const page = this.search.byName(classes, { kind: match, value: name.trim().toUpperCase() }, null, limit, keep);
    // 'all' and 'none' need no filter; the check stays as a last guard whatever the policy says.
    return { objects: page.objects.filter((o) => o.className !== 'person' || mayDisclosePersonalData(caller, o)), more: page.next !== null };
  }
}
