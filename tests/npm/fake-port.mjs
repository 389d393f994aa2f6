// A fake Port API on 127.0.0.1 for the command line's tests: access tokens (each expires after
// `tokenUses` authorised calls, so a client must renew one), and the webhook endpoints
// (`GET`/`PATCH /v1/webhooks/ID`, `POST /v1/webhooks`) answering `{ok, integration}` as Port's
// do. Every call is recorded.
import { createServer } from 'node:http';

export async function startFakePort({ clientId = 'id', clientSecret = 'secret', tokenUses = Infinity } = {}) {
  const webhooks = new Map();
  const calls = [];
  let issued = 0;
  let token = null;
  let uses = 0;
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (c) => { text += c; });
    req.on('end', () => {
      const body = text ? JSON.parse(text) : null;
      calls.push({ method: req.method, url: req.url, auth: req.headers.authorization ?? null, body });
      const send = (status, value) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      if (req.method === 'POST' && req.url === '/v1/auth/access_token') {
        if (body?.clientId !== clientId || body?.clientSecret !== clientSecret) {
          return send(401, { ok: false, error: 'unauthorized', message: 'invalid credentials' });
        }
        token = `token-${++issued}`;
        uses = 0;
        return send(200, { ok: true, accessToken: token, expiresIn: 10800, tokenType: 'Bearer' });
      }
      if (token === null || req.headers.authorization !== `Bearer ${token}` || uses >= tokenUses) {
        return send(401, { ok: false, error: 'token_expired', message: 'the access token expired' });
      }
      uses += 1;
      const id = req.url.startsWith('/v1/webhooks/') ? decodeURIComponent(req.url.slice('/v1/webhooks/'.length)) : null;
      if (req.method === 'GET' && id !== null) {
        return webhooks.has(id)
          ? send(200, { ok: true, integration: webhooks.get(id) })
          : send(404, { ok: false, error: 'not_found', message: `webhook with identifier "${id}" was not found` });
      }
      if (req.method === 'PATCH' && id !== null && webhooks.has(id)) {
        const updated = { ...webhooks.get(id), ...body, updatedAt: new Date().toISOString() };
        webhooks.set(id, updated);
        return send(200, { ok: true, integration: updated });
      }
      if (req.method === 'POST' && req.url === '/v1/webhooks') {
        if (typeof body?.title !== 'string' || typeof body?.enabled !== 'boolean') {
          return send(422, { ok: false, error: 'invalid_request', message: 'title and enabled are required' });
        }
        const created = { ...body, webhookKey: 'KEY', url: 'https://ingest.port.io/KEY', createdAt: new Date().toISOString() };
        webhooks.set(body.identifier, created);
        return send(200, { ok: true, integration: created });
      }
      send(404, { ok: false, error: 'not_found', message: `${req.method} ${req.url}` });
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    webhooks,
    calls,
    /** Calls that change something in Port. */
    writes: () => calls.filter((c) => c.method !== 'GET' && c.url !== '/v1/auth/access_token'),
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
