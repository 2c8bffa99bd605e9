#!/usr/bin/env node
// Ferrio checked with Stremio's own tooling:
// - `stremio-addon-linter` lints the manifest, unconfigured and configured;
// - `stremio-addon-client` (what Stremio's apps used to talk to addons) detects the addon from
//   its URL and fetches a catalog page and streams through its real HTTP transport.
// Results are checked for the protocol's shapes, not for particular content.
//
// With `discovery` (a server with TMDB, Trakt and Watchmode keys), the configured install also
// names services, and the discovery catalogs and where-to-watch rows are checked the same way.
//
// Usage: node tests/node/conformance.mjs <baseUrl> [discovery]   (run by `cargo test --test api`)
// Exit status 0 when every check passed; 1 with the failures listed otherwise.

import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const linter = require('stremio-addon-linter');
const client = require('stremio-addon-client');

const base = (process.argv[2] || '').replace(/\/+$/, '');
if (!/^https?:\/\/[^/]+/.test(base)) {
  console.error('usage: node conformance.mjs <baseUrl>   e.g. http://127.0.0.1:7000');
  process.exit(2);
}

// A configured install, in both encodings Ferrio reads: base64url JSON (what its configure page
// produces) and the SDK's percent-encoded JSON.
const discovery = process.argv[3] === 'discovery';
const config = { v: 1, sources: ['dmm', 'yts'], sort: 'seeders', maxResults: 20, excludeQualities: ['cam'] };
if (discovery) Object.assign(config, { region: 'US', myServices: [8], whereToWatch: 'all' });
const configured = {
  base64url: Buffer.from(JSON.stringify(config)).toString('base64url'),
  'SDK percent-encoded': encodeURIComponent(JSON.stringify(config)),
};

// The keys of a resource response; stremio-core accepts exactly one of them per response.
const RESOURCE_KEYS = ['metas', 'metasDetailed', 'meta', 'streams', 'subtitles', 'addons'];

let passed = 0;
const failures = [];

async function check(name, body) {
  try {
    const detail = await body();
    passed += 1;
    console.log(`ok   ${name}${detail ? ` (${detail})` : ''}`);
  } catch (error) {
    let message = error && error.message ? error.message : String(error);
    if (/ECONNRESET|socket hang up/.test(message)) {
      message += ' [the server dropped a kept-alive connection: actix does this when a handler'
        + ' blocks its worker thread for seconds (synchronous work in an async handler), so the'
        + ' next request on that connection fails]';
    }
    failures.push(`${name}: ${message}`);
    console.log(`FAIL ${name}: ${message}`);
  }
}

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

/// A raw GET, checking what every addon route must send: 200, JSON, CORS for any origin.
async function getJson(url) {
  const response = await fetch(url);
  assert(response.status === 200, `GET ${url}: status ${response.status}`);
  const type = response.headers.get('content-type') || '';
  assert(type.includes('application/json'), `GET ${url}: content-type ${type}`);
  const cors = response.headers.get('access-control-allow-origin');
  assert(cors === '*', `GET ${url}: access-control-allow-origin is ${cors}, Stremio needs *`);
  return response.json();
}

/// The linter, plus the few rules stremio-core is stricter about than the linter.
function lint(manifest, label) {
  const result = linter.lintManifest(manifest);
  const errors = (result.errors || []).map((error) => error.message);
  assert(result.valid && errors.length === 0, `linter errors in ${label}: ${errors.join('; ')}`);
  assert(typeof manifest.description === 'string', 'description must be a string');
  assert(JSON.stringify(manifest).length <= 8192, 'the SDK refuses manifests over 8192 bytes');
  for (const [key, value] of Object.entries(manifest.behaviorHints || {})) {
    assert(typeof value === 'boolean', `behaviorHints.${key} must be a boolean`);
  }
  for (const resource of manifest.resources) {
    if (typeof resource === 'object') {
      assert(Array.isArray(resource.types), `resource ${resource.name}: without types stremio-core matches nothing`);
    }
  }
  for (const catalog of manifest.catalogs) {
    for (const extra of catalog.extra || []) {
      assert(typeof extra.name === 'string', `catalog ${catalog.id}: extra without a name`);
    }
  }
  for (const field of ['logo', 'background']) {
    if (manifest[field] !== undefined) {
      assert(/^https?:\/\//.test(manifest[field]), `${field} must be an absolute URL: ${manifest[field]}`);
    }
  }
  const warnings = (result.warnings || []).map((warning) => warning.message);
  return warnings.length ? `linter warnings: ${warnings.join('; ')}` : 'no linter warnings';
}

/// Exactly one resource key, and the one expected; arrays are arrays.
function assertResponse(response, key, label) {
  assert(response && typeof response === 'object', `${label}: not an object`);
  const present = RESOURCE_KEYS.filter((name) => response[name] !== undefined);
  assert(present.length === 1 && present[0] === key, `${label}: expected only "${key}", got [${present}]`);
  assert(Array.isArray(response[key]), `${label}: "${key}" is not an array`);
  for (const field of ['cacheMaxAge', 'staleRevalidate', 'staleError']) {
    if (response[field] !== undefined) {
      assert(Number.isInteger(response[field]) && response[field] >= 0, `${label}: ${field} must be whole seconds`);
    }
  }
  return response[key];
}

function assertMetas(metas, label) {
  metas.forEach((meta, i) => {
    for (const field of ['id', 'type', 'name']) {
      assert(typeof meta[field] === 'string' && meta[field], `${label}: metas[${i}].${field} missing`);
    }
  });
  return `${metas.length} metas`;
}

function assertStreams(streams, label) {
  const sources = ['url', 'ytId', 'infoHash', 'externalUrl'];
  streams.forEach((stream, i) => {
    const present = sources.filter((name) => stream[name] !== undefined);
    assert(present.length === 1, `${label}: streams[${i}] must have exactly one of ${sources}, has [${present}]`);
    if (stream.infoHash !== undefined) {
      assert(/^[0-9a-f]{40}$/i.test(stream.infoHash), `${label}: streams[${i}].infoHash is not 40 hex digits`);
    }
    if (stream.url !== undefined) {
      assert(/^https?:\/\//.test(stream.url), `${label}: streams[${i}].url is not http(s)`);
    }
    if (stream.behaviorHints !== undefined) {
      assert(typeof stream.behaviorHints === 'object', `${label}: streams[${i}].behaviorHints is not an object`);
    }
  });
  return `${streams.length} streams`;
}

async function detect(url) {
  const detected = await client.detectFromURL(url);
  assert(detected && detected.addon, `detectFromURL(${url}) did not detect an addon`);
  return detected.addon;
}

async function main() {
  console.log(`Checking the Ferrio addon at ${base}`);

  let manifest;
  await check('linter: /manifest.json', async () => {
    manifest = await getJson(`${base}/manifest.json`);
    assert(manifest.behaviorHints && manifest.behaviorHints.configurable === true, 'the base manifest must be configurable');
    return lint(manifest, '/manifest.json');
  });
  for (const [encoding, segment] of Object.entries(configured)) {
    await check(`linter: /{config}/manifest.json (${encoding})`, async () => {
      const configuredManifest = await getJson(`${base}/${segment}/manifest.json`);
      assert(!configuredManifest.behaviorHints || !configuredManifest.behaviorHints.configurationRequired,
        'a configured manifest must be installable (configurationRequired unset)');
      if (manifest) assert(configuredManifest.id === manifest.id, 'the configured manifest has another id');
      return lint(configuredManifest, `/${encoding}/manifest.json`);
    });
  }

  const addons = {};
  await check('client: detectFromURL(/manifest.json)', async () => {
    const addon = await detect(`${base}/manifest.json`);
    assert(addon.manifest.id === (manifest && manifest.id), 'the client read another manifest');
    assert(addon.transportUrl === `${base}/manifest.json`, `transportUrl is ${addon.transportUrl}`);
    addons.plain = addon;
    return `id ${addon.manifest.id}, version ${addon.manifest.version}`;
  });
  await check('client: detectFromURL(/{config}/manifest.json)', async () => {
    const addon = await detect(`${base}/${configured.base64url}/manifest.json`);
    addons.configured = addon;
    return `id ${addon.manifest.id}`;
  });

  for (const [which, addon] of Object.entries(addons)) {
    await check(`client (${which}): isSupported`, async () => {
      for (const args of [['catalog', 'movie', 'yts-popular'], ['stream', 'movie', 'tt0111161'], ['stream', 'series', 'tt0903747:1:3']]) {
        assert(addon.isSupported(...args), `the manifest does not declare ${args.join(' ')}`);
      }
    });
    await check(`client (${which}): catalog movie yts-popular`, async () => {
      const response = await addon.get('catalog', 'movie', 'yts-popular');
      return assertMetas(assertResponse(response, 'metas', 'catalog'), 'catalog');
    });
    await check(`client (${which}): catalog movie yts-popular {skip: 100}`, async () => {
      const response = await addon.get('catalog', 'movie', 'yts-popular', { skip: 100 });
      return assertMetas(assertResponse(response, 'metas', 'catalog skip=100'), 'catalog skip=100');
    });
    await check(`client (${which}): stream movie tt0111161`, async () => {
      const response = await addon.get('stream', 'movie', 'tt0111161');
      return assertStreams(assertResponse(response, 'streams', 'movie streams'), 'movie streams');
    });
    await check(`client (${which}): stream series tt0903747:1:3`, async () => {
      const response = await addon.get('stream', 'series', 'tt0903747:1:3');
      return assertStreams(assertResponse(response, 'streams', 'episode streams'), 'episode streams');
    });
  }

  if (discovery) {
    const addon = addons.configured;
    const catalogs = [
      ['movie', 'trending', {}], ['series', 'trending', { genre: 'Today' }], ['movie', 'trending', { genre: 'Trakt', skip: 100 }],
      ['movie', 'on-my-services', {}], ['series', 'not-on-my-services', {}], ['movie', 'coming-soon', {}], ['movie', 'new-digital', {}],
    ];
    for (const [type, id, extra] of catalogs) {
      await check(`client (discovery): catalog ${type} ${id} ${JSON.stringify(extra)}`, async () => {
        assert(addon && addon.isSupported('catalog', type, id), `the manifest does not declare ${type} ${id}`);
        const response = await addon.get('catalog', type, id, extra);
        const metas = assertResponse(response, 'metas', id);
        assert(metas.length > 0, `${id}: empty`);
        assert(metas.every((meta) => /^tt\d+$/.test(meta.id) && meta.type === type), `${id}: an item is not a ${type} tt id`);
        return assertMetas(metas, id);
      });
    }
    await check('client (discovery): stream movie tt0111161 has where-to-watch rows', async () => {
      const streams = assertResponse(await addon.get('stream', 'movie', 'tt0111161'), 'streams', 'movie streams');
      assert(streams.some((stream) => stream.externalUrl), 'no externalUrl row');
      return assertStreams(streams, 'movie streams');
    });
  }

  // The raw routes the client just used also answer CORS and JSON (checked by getJson), with
  // the ids percent-encoded as stremio-core sends them.
  await check('raw: /stream/series/tt0903747%3A1%3A3.json and /catalog/.../skip=100.json', async () => {
    assertResponse(await getJson(`${base}/stream/series/tt0903747%3A1%3A3.json`), 'streams', 'raw episode streams');
    assertResponse(await getJson(`${base}/catalog/movie/yts-popular/skip=100.json`), 'metas', 'raw catalog');
  });

  console.log(`${passed} checks passed, ${failures.length} failed`);
  if (failures.length) {
    console.error(`conformance FAILED:\n- ${failures.join('\n- ')}`);
    process.exit(1);
  }
}

main().catch((error) => {
  console.error(`conformance FAILED: ${error && error.stack ? error.stack : error}`);
  process.exit(1);
});
