// The built-in catalog: entities in D1 (table entities), keyed by (blueprint, identifier).
// An upsert merges like Port's `?upsert=true&merge=true`: the properties and relations sent
// replace those keys and keep the others; title, icon and team change only when sent.
// deleteDependents has no effect here (the built-in catalog keeps no relation graph).

// Shallow merge of two JSON objects in SQL (json_each keeps JSON types through `type`).
const mergeSql = (/** @type {string} */ column) => `(SELECT json_group_object(key, CASE type WHEN 'true' THEN json('true') WHEN 'false' THEN json('false')
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

// The same writes, done only while the delivery holds the entity's ordering claim (ordering.mjs):
// a claim that ran out and was taken by a newer update writes nothing.
const HELD = 'EXISTS (SELECT 1 FROM entity_order WHERE blueprint = ?1 AND identifier = ?2 AND holder = ?12 AND holder_run = ?13)';
const UPSERT_HELD = UPSERT.replace('VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)', `SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8 WHERE ${HELD}`);
const DELETE_HELD = `DELETE FROM entities WHERE blueprint = ?1 AND identifier = ?2 AND ${HELD.replace('?12', '?3').replace('?13', '?4')}`;

/**
 * @typedef {{combinator: string, rules: (Query | {property: string, operator: string, value: unknown})[]}} Query A
 *   search query as the engine evaluated it (its values are JSON).
 */
/** @typedef {Extract<import('hookmap').Entity, {operation: 'create'}>} CreateOperation */

const present = (/** @type {object} */ entity, /** @type {string} */ key) => Object.prototype.hasOwnProperty.call(entity, key);
/**
 * Whether a value is a search query rather than a value.
 * @param {unknown} v
 * @returns {v is Query}
 */
const isQuery = (v) => v !== null && typeof v === 'object' && !Array.isArray(v) && 'rules' in v;

/** Port's limit on the entities a relation's search query resolves to. */
export const MAX_RELATION_MATCHES = 100;

/**
 * A search query (as the engine checked it: `{combinator, rules}`, rules `{property, operator,
 * value}` or nested queries) as a SQL condition on the entities table, with its parameters.
 * `$identifier`, `$title` and `$blueprint` are the entity's own; any other property is read from
 * its properties. Operators: `=`, `in`, `contains` (a substring of a string, an element of an
 * array).
 * @param {Query} query
 * @returns {{sql: string, params: unknown[]}}
 */
export function querySql(query) {
  /** @type {unknown[]} */
  const params = [];
  const bind = (/** @type {unknown} */ v) => {
    params.push(typeof v === 'boolean' ? Number(v) : v !== null && typeof v === 'object' ? JSON.stringify(v) : v);
    return `?${params.length}`;
  };
  /**
   * The property's value as SQL, and (for a property of `properties`) its JSON path's parameter.
   * @param {unknown} property
   */
  const column = (property) => {
    if (property === '$identifier') return { col: 'identifier' };
    if (property === '$blueprint') return { col: 'blueprint' };
    if (property === '$title') return { col: "json_extract(title, '$')" };
    const path = bind(`$.${JSON.stringify(String(property))}`);
    return { col: `json_extract(properties, ${path})`, path };
  };
  /**
   * @param {Query} q
   * @returns {string}
   */
  const condition = (q) => {
    const parts = q.rules.map((r) => {
      if (isQuery(r)) return `(${condition(r)})`;
      const { col, path } = column(r.property);
      switch (r.operator) {
        case '=':
          return r.value === null ? `${col} IS NULL` : `${col} = ${bind(r.value)}`;
        case 'in':
          return `${col} IN (SELECT value FROM json_each(${bind(Array.isArray(r.value) ? r.value : [r.value])}))`;
        case 'contains': {
          const needle = bind(r.value);
          const substring = `instr(${col}, ${needle}) > 0`;
          if (!path) return substring;
          // An array property contains the value as an element; a string, as a substring.
          return `(CASE json_type(properties, ${path}) WHEN 'array' THEN EXISTS (SELECT 1 FROM json_each(properties, ${path}) WHERE value = ${needle}) ELSE ${substring} END)`;
        }
        default:
          throw new Error(`operator ${JSON.stringify(r.operator)} is not one Port allows`);
      }
    });
    return parts.join(q.combinator === 'or' ? ' OR ' : ' AND ') || 'FALSE';
  };
  return { sql: condition(query), params };
}

/**
 * Resolve the search queries of the operations against the catalog, with Port's rules: an
 * identifier query must match exactly one entity (none: `search-no-match`; several:
 * `search-ambiguous`; that entity fails, nothing written), a relation query becomes the
 * identifiers it matches (at most 100, in identifier order). A team query needs Port. Failed
 * operations are marked in their `result`; the others get their resolved entity.
 * @param {D1Database} db
 * @param {{entity: import('hookmap').Entity, result: import('./transitions.mjs').EntityResult}[]} ops
 */
export async function resolveQueries(db, ops) {
  /** @type {({op: (typeof ops)[number], kind: 'identifier', query: Query, limit: number} | {op: (typeof ops)[number], kind: 'relation', name: string, query: Query, limit: number})[]} */
  const lookups = [];
  for (const op of ops) {
    const e = op.entity;
    if (isQuery(e.identifier)) lookups.push({ op, kind: 'identifier', query: e.identifier, limit: 2 });
    if (e.operation !== 'delete') {
      if (isQuery(e.team)) {
        Object.assign(op.result, { status: 'failed', transient: false, code: 'search-query', error: 'a team search query needs Port (teams are not entities of the built-in catalog)' });
      }
      for (const [name, value] of Object.entries(e.relations ?? {})) {
        if (isQuery(value)) lookups.push({ op, kind: 'relation', name, query: value, limit: MAX_RELATION_MATCHES });
      }
    }
  }
  if (lookups.length === 0) return;
  const statements = lookups.map(({ query, limit }) => {
    const { sql, params } = querySql(query);
    return db.prepare(`SELECT identifier FROM entities WHERE ${sql} ORDER BY identifier LIMIT ${limit}`).bind(...params);
  });
  /** @type {D1Result<{identifier: string}>[]} */
  const answers = await db.batch(statements);
  lookups.forEach((l, i) => {
    const found = answers[i].results.map((r) => r.identifier);
    const { op } = l;
    if (op.result.status === 'failed') return;
    if (l.kind === 'identifier') {
      if (found.length === 1) {
        op.entity = { ...op.entity, identifier: found[0] };
        op.result.identifier = found[0];
      } else {
        const code = found.length === 0 ? 'search-no-match' : 'search-ambiguous';
        const error = found.length === 0
          ? 'the identifier search query matched no entity: nothing was written (Port creates no entity either)'
          : `the identifier search query matched several entities (${found.join(', ')}): Port refuses the request; nothing was written`;
        Object.assign(op.result, { status: 'failed', transient: false, code, error });
      }
    } else {
      // A relation is looked up for a create only.
      op.entity = { .../** @type {CreateOperation} */ (op.entity), relations: { .../** @type {CreateOperation} */ (op.entity).relations, [l.name]: found } };
    }
  });
}
const jsonOrNull = (/** @type {Record<string, unknown>} */ entity, /** @type {string} */ key) => (present(entity, key) ? JSON.stringify(entity[key]) : null);

/**
 * The statement that applies one mapped entity to the D1 catalog, or the reason it can't.
 * @param {D1Database} db
 * @param {import('hookmap').Entity} e
 * @param {string} now ISO time of the change.
 * @param {{delivery: number, run: number} | null} [held] The ordering claim the write needs
 *   (ordering.mjs), or null for an unordered entity.
 * @returns {{stmt: D1PreparedStatement, error?: undefined} | {error: string, stmt?: undefined}}
 */
export function entityStatement(db, e, now, held = null) {
  if (typeof e.identifier !== 'string') {
    return { error: `the identifier is not a string (${JSON.stringify(e.identifier)}): nothing was written` };
  }
  if (e.operation === 'delete') {
    return { stmt: held ? db.prepare(DELETE_HELD).bind(e.blueprint, e.identifier, held.delivery, held.run) : db.prepare(DELETE).bind(e.blueprint, e.identifier) };
  }
  const args = [
    e.blueprint, e.identifier, jsonOrNull(e, 'title'), jsonOrNull(e, 'icon'), jsonOrNull(e, 'team'),
    JSON.stringify(e.properties ?? {}), JSON.stringify(e.relations ?? {}), now,
    present(e, 'title') ? 1 : 0, present(e, 'icon') ? 1 : 0, present(e, 'team') ? 1 : 0,
  ];
  return { stmt: held ? db.prepare(UPSERT_HELD).bind(...args, held.delivery, held.run) : db.prepare(UPSERT).bind(...args) };
}

/**
 * @typedef {{blueprint: string, identifier: string, title: string | null, icon: string | null, team: string | null,
 *   properties: string, relations: string, created_at: string, updated_at: string}} EntityRow A row of table
 *   entities (JSON text but the keys and times).
 */

/**
 * An entity as the read endpoints answer it.
 * @param {EntityRow} r
 * @returns {{identifier: string, blueprint: string, [key: string]: unknown}}
 */
function entityFromRow(r) {
  /** @type {{identifier: string, blueprint: string, [key: string]: unknown}} */
  const entity = { identifier: r.identifier, blueprint: r.blueprint };
  for (const k of /** @type {const} */ (['title', 'icon', 'team'])) if (r[k] !== null) entity[k] = JSON.parse(r[k]);
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
  /** @type {EntityRow | null} */
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
  /** @type {D1Result<EntityRow>} */
  const { results } = await db
    .prepare('SELECT * FROM entities WHERE blueprint = ?1 AND (?2 IS NULL OR identifier > ?2) ORDER BY identifier LIMIT ?3')
    .bind(blueprint, after, limit + 1)
    .all();
  const entities = results.slice(0, limit).map(entityFromRow);
  return { entities, next: results.length > limit ? entities[entities.length - 1].identifier : null };
}
