// The built-in catalog: entities in D1 (table entities), keyed by (blueprint, identifier).
// An upsert merges like Port's `?upsert=true&merge=true`: the properties and relations sent
// replace those keys and keep the others; title, icon and team change only when sent.
// deleteDependents has no effect here (the built-in catalog keeps no relation graph).

// Shallow merge of two JSON objects in SQL (json_each keeps JSON types through `type`).
const mergeSql = (column) => `(SELECT json_group_object(key, CASE type WHEN 'true' THEN json('true') WHEN 'false' THEN json('false')
  WHEN 'object' THEN json(value) WHEN 'array' THEN json(value) ELSE value END) FROM (
  SELECT key, type, value FROM json_each(entities.${column}) WHERE key NOT IN (SELECT key FROM json_each(excluded.${column}))
  UNION ALL SELECT key, type, value FROM json_each(excluded.${column})))`;

const UPSERT = `INSERT INTO entities (blueprint, identifier, title, icon, team, properties, relations, created_at, updated_at)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)
ON CONFLICT (blueprint, identifier) DO UPDATE SET
  title = CASE WHEN ?9 THEN excluded.title ELSE entities.title END,
  icon = CASE WHEN ?10 THEN excluded.icon ELSE entities.icon END,
  team = CASE WHEN ?11 THEN excluded.team ELSE entities.team END,
  properties = ${mergeSql('properties')},
  relations = ${mergeSql('relations')},
  updated_at = excluded.updated_at`;

const DELETE = 'DELETE FROM entities WHERE blueprint = ?1 AND identifier = ?2';

const present = (entity, key) => Object.prototype.hasOwnProperty.call(entity, key);
const jsonOrNull = (entity, key) => (present(entity, key) ? JSON.stringify(entity[key]) : null);

/**
 * Apply mapped entities to the D1 catalog, in one transaction.
 * @param {D1Database} db
 * @param {import('hookmap').Entity[]} entities
 * @param {(results: object[]) => D1PreparedStatement[]} [alongside] Statements to run in the same
 *   transaction (the audit row), built from the results as they are when the batch succeeds.
 * @returns {Promise<{results: object[], alongsideDone: boolean}>} One result per entity:
 *   `{operation, blueprint, identifier, status: 'applied'|'failed', error?, transient?}`;
 *   `alongsideDone` when the extra statements were committed.
 */
export async function applyD1(db, entities, alongside = () => []) {
  const now = new Date().toISOString();
  const results = [];
  const statements = [];
  for (const e of entities) {
    const result = { operation: e.operation, blueprint: e.blueprint, identifier: e.identifier };
    results.push(result);
    if (typeof e.identifier !== 'string') {
      Object.assign(result, {
        status: 'failed',
        transient: false,
        error: 'the built-in catalog needs a string identifier; a search-query identifier needs Port (set PORT_CLIENT_ID and PORT_CLIENT_SECRET)',
      });
      continue;
    }
    if (e.operation === 'delete') {
      statements.push({ result, stmt: db.prepare(DELETE).bind(e.blueprint, e.identifier) });
    } else {
      statements.push({
        result,
        stmt: db.prepare(UPSERT).bind(
          e.blueprint, e.identifier, jsonOrNull(e, 'title'), jsonOrNull(e, 'icon'), jsonOrNull(e, 'team'),
          JSON.stringify(e.properties ?? {}), JSON.stringify(e.relations ?? {}), now,
          present(e, 'title') ? 1 : 0, present(e, 'icon') ? 1 : 0, present(e, 'team') ? 1 : 0,
        ),
      });
    }
  }
  for (const s of statements) s.result.status = 'applied';
  const extra = alongside(results.map((r) => ({ ...r })));
  try {
    await db.batch([...statements.map((s) => s.stmt), ...extra]);
    return { results, alongsideDone: extra.length > 0 };
  } catch (e) {
    for (const s of statements) Object.assign(s.result, { status: 'failed', transient: true, error: `D1: ${e.message}` });
    return { results, alongsideDone: false };
  }
}

function entityFromRow(r) {
  const entity = { identifier: r.identifier, blueprint: r.blueprint };
  for (const k of ['title', 'icon', 'team']) if (r[k] !== null) entity[k] = JSON.parse(r[k]);
  entity.properties = JSON.parse(r.properties);
  entity.relations = JSON.parse(r.relations);
  entity.createdAt = r.created_at;
  entity.updatedAt = r.updated_at;
  return entity;
}

/**
 * One entity, or null when absent.
 * @param {D1Database} db
 * @param {string} blueprint
 * @param {string} identifier
 * @returns {Promise<object | null>} `{identifier, blueprint, title?, icon?, team?, properties, relations, createdAt, updatedAt}`
 */
export async function getEntity(db, blueprint, identifier) {
  const row = await db.prepare('SELECT * FROM entities WHERE blueprint = ?1 AND identifier = ?2').bind(blueprint, identifier).first();
  return row ? entityFromRow(row) : null;
}

/**
 * A page of a blueprint's entities, ordered by identifier.
 * @param {D1Database} db
 * @param {string} blueprint
 * @param {{limit?: number, after?: string | null}} [page] `after`: the last identifier of the previous page.
 * @returns {Promise<{entities: object[], next: string | null}>}
 */
export async function listEntities(db, blueprint, { limit = 100, after = null } = {}) {
  const { results } = await db
    .prepare('SELECT * FROM entities WHERE blueprint = ?1 AND (?2 IS NULL OR identifier > ?2) ORDER BY identifier LIMIT ?3')
    .bind(blueprint, after, limit + 1)
    .all();
  const entities = results.slice(0, limit).map(entityFromRow);
  return { entities, next: results.length > limit ? entities[entities.length - 1].identifier : null };
}
