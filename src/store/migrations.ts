// Schema of the registry database, one entry per version; applied in order and
// recorded in PRAGMA user_version so an old file is upgraded in place. The state database
// (state-db.ts) keeps its own list and is upgraded by the same applyMigrations.
import type Database from 'better-sqlite3';

/** One schema step. `summary` is what the server's log says it did when it ran (issue 14). */
export interface Migration {
  readonly summary: string;
  /** The step, as SQL; or as code where SQL cannot say it (a column added only if missing). */
  readonly sql: string | ((db: Database.Database) => void);
}

/** Told after each migration commits: the server logs it, so an upgrade says what it changed. */
export type MigrationListener = (applied: { readonly path: string; readonly version: number; readonly summary: string; readonly ms: number }) => void;

export const REGISTRY_MIGRATIONS: readonly Migration[] = [
  {
    summary: 'registry schema: imports, snapshots, object versions and their references',
    sql: `
  CREATE TABLE imports (
    id            INTEGER PRIMARY KEY,
    snapshot_at   INTEGER NOT NULL,          -- epoch ms: the instant this snapshot describes
    started_at    INTEGER NOT NULL,
    finished_at   INTEGER,
    format        TEXT NOT NULL,
    files         TEXT NOT NULL,             -- JSON [{name, sha256, bytes}]
    pairs         TEXT NOT NULL,             -- JSON [[source, class], ...] replaced by this run
    created       INTEGER NOT NULL DEFAULT 0,
    changed       INTEGER NOT NULL DEFAULT 0,
    deleted       INTEGER NOT NULL DEFAULT 0,
    unchanged     INTEGER NOT NULL DEFAULT 0,
    rejected      INTEGER NOT NULL DEFAULT 0,
    duration_ms   INTEGER,
    lacak_version TEXT NOT NULL
  );

  -- One row per (source, class) pair a run replaced: the timeline answers read.
  CREATE TABLE snapshots (
    source    TEXT NOT NULL,
    class     TEXT NOT NULL,
    at        INTEGER NOT NULL,
    import_id INTEGER NOT NULL REFERENCES imports(id),
    PRIMARY KEY (source, class, at)
  ) WITHOUT ROWID;

  -- Every version of every object, valid in [valid_from, valid_to) (epoch ms).
  CREATE TABLE objects (
    id         INTEGER PRIMARY KEY,
    source     TEXT NOT NULL,
    class      TEXT NOT NULL,
    key        TEXT NOT NULL,
    valid_from INTEGER NOT NULL,
    valid_to   INTEGER,
    import_id  INTEGER NOT NULL,
    closed_by  INTEGER,
    attributes TEXT NOT NULL,                -- JSON [[name, value], ...] in original order
    netname    TEXT,
    name       TEXT,                         -- upper-cased searchable name (netname, as-name, org-name, role, person)
    status     TEXT,
    org        TEXT,
    family     INTEGER,                      -- 4 or 6 for inetnum/inet6num/route/route6
    first      BLOB,                         -- 16-byte big-endian address keys
    last       BLOB,
    bucket     INTEGER,                      -- floor(log2(size)): bounds the covering-range seek
    asn_first  INTEGER,
    asn_last   INTEGER,
    file       TEXT,
    line       INTEGER
  );
  CREATE UNIQUE INDEX objects_current ON objects (source, class, key) WHERE valid_to IS NULL;
  CREATE INDEX objects_key ON objects (key, class);
  CREATE INDEX objects_range ON objects (family, bucket, first) WHERE family IS NOT NULL;
  CREATE INDEX objects_name ON objects (name, class) WHERE valid_to IS NULL AND name IS NOT NULL;
  CREATE INDEX objects_as_block ON objects (asn_first) WHERE class = 'as-block';
  CREATE INDEX objects_asn ON objects (asn_first) WHERE asn_first IS NOT NULL;

  -- References (admin-c, org, mnt-by, ...) of each version, for inverse lookups.
  CREATE TABLE refs (
    object_id INTEGER NOT NULL,
    attribute TEXT NOT NULL,
    target    TEXT NOT NULL
  );
  CREATE INDEX refs_target ON refs (target, attribute);
  CREATE INDEX refs_object ON refs (object_id);
  `,
  },
  // 2: a delegated record's account id was stored as `org:`, which answers then showed as an
  // organisation handle pointing nowhere (DESIGN §2): it becomes `opaque-id:`, in place and in
  // its reference rows, so a re-import of the same file finds every record unchanged.
  {
    summary: "delegated records' account ids move from org: to opaque-id:, in objects and their references",
    sql: `
  UPDATE objects SET attributes = (
    SELECT json_group_array(
             CASE WHEN json_extract(e.value, '$[0]') = 'org' THEN json_array('opaque-id', json_extract(e.value, '$[1]')) ELSE json(e.value) END
             ORDER BY e.key)
      FROM json_each(objects.attributes) AS e)
   WHERE source LIKE 'DELEGATED-%' AND org IS NOT NULL;
  UPDATE refs SET attribute = 'opaque-id'
   WHERE attribute = 'org' AND object_id IN (SELECT id FROM objects WHERE source LIKE 'DELEGATED-%');
  `,
  },
  // 3: nothing reads references by object (every query starts from a target), and the index
  // cost an import a B-tree entry for each of its ~4.3 references per object (issue 16).
  {
    summary: 'references: the unused index by object id is dropped',
    sql: `DROP INDEX IF EXISTS refs_object;`,
  },
  // 4: the digest of the text each object was read from (rpsl/paragraphs.ts paragraphDigest):
  // a re-import finds its unchanged objects by it without parsing them (issue 16). Objects
  // stored before have none; the next import that finds them unchanged gives them theirs.
  {
    summary: 'objects: the digest of the text each was read from, for re-imports to know unchanged objects unparsed',
    // ALTER TABLE has no IF NOT EXISTS: a store set back to an older user_version (tests do) has it already.
    sql: (db) => {
      const columns = db.prepare<[], { name: string }>('PRAGMA table_info(objects)').all();
      if (!columns.some((c) => c.name === 'digest')) db.exec('ALTER TABLE objects ADD COLUMN digest TEXT');
    },
  },
];

/** Applies the migrations a database has not had yet, each in its own transaction. */
export function applyMigrations(db: Database.Database, migrations: readonly Migration[], path: string, onMigrate?: MigrationListener): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  for (let v = version; v < migrations.length; v++) {
    const started = Date.now();
    db.transaction(() => {
      const step = migrations[v]!.sql;
      if (typeof step === 'string') db.exec(step);
      else step(db);
      db.pragma(`user_version = ${v + 1}`);
    })();
    onMigrate?.({ path, version: v + 1, summary: migrations[v]!.summary, ms: Date.now() - started });
  }
}
