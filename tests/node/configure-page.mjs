#!/usr/bin/env node
// The configure page in a real browser (the system Chromium, driven by playwright-core):
// 1. fills the form the way a user would and submits it; reads the manifest URL, checks the
//    install link and the Copy button;
// 2. opens `/{config}/configure` and checks the form comes back prefilled with those choices
//    (a sealed config's token is kept, never shown), then saves it again unchanged;
// 3. with JavaScript off: the plain form post still gives a manifest URL, and an invalid form
//    shows its error.
//
// Usage: node tests/node/configure-page.mjs <baseUrl> [token]   (run by `cargo test --test conformance`)
// Prints exactly one line on stdout, `{"segment": "<saved>", "resaved": "<saved again>"}`, for
// the Rust test to decode; progress and failures go to stderr. Exit status 0 on success.

import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CHROMIUM = '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const base = (process.argv[2] || '').replace(/\/+$/, '');
const token = process.argv[3] || 'FAKEtoken1234567890abcdef';
if (!/^https?:\/\/[^/]+/.test(base)) {
  console.error('usage: node configure-page.mjs <baseUrl> [token]');
  process.exit(2);
}

const log = (message) => console.error(`configure-page: ${message}`);

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

/// A fresh browser profile in a temp dir, removed afterwards.
async function withBrowser(options, body) {
  const profile = mkdtempSync(join(tmpdir(), 'ferrio-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    timeout: 60_000,
    ...options,
  });
  try {
    context.setDefaultTimeout(15_000);
    const page = context.pages()[0] || (await context.newPage());
    return await body(page, context);
  } finally {
    await context.close().catch(() => {});
    rmSync(profile, { recursive: true, force: true });
  }
}

async function open(page, path, status = 200) {
  const response = await page.goto(`${base}${path}`);
  assert(response, `no response for ${path}`);
  assert(response.status() === status, `GET ${path}: status ${response.status()}, expected ${status}`);
  return response;
}

/// Submits the form and waits for the page the POST answers.
async function submit(page, status) {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/configure'),
    page.click('#save'),
  ]);
  await page.waitForLoadState('load');
  assert(response.status() === status, `POST /configure: status ${response.status()}, expected ${status}`);
  return response;
}

const QUALITIES = ['2160p', '1440p', '1080p', '720p', '480p', 'scr', 'telesync', 'cam'];
const CATALOGS = ['yts-popular', 'yts-latest', 'yts-top-rated', 'yts-search'];

/// The state of the form, read from the DOM.
async function formState(page) {
  const checked = (selector) => page.isChecked(selector);
  const state = {
    sources: [],
    excludeQualities: [],
    realdebrid: await page.inputValue('#realdebrid'),
    maxSizeGb: await page.inputValue('#maxSizeGb'),
    sort: await page.inputValue('#sort'),
    limitPerQuality: await page.inputValue('#limitPerQuality'),
    maxResults: await page.inputValue('#maxResults'),
    excludeKeywords: await page.inputValue('#excludeKeywords'),
    cachedOnly: await checked('#cachedOnly'),
    showDownloadLinks: await checked('#showDownloadLinks'),
    catalogs: [],
  };
  for (const source of ['dmm', 'yts', 'torrentio']) {
    if (await checked(`#sources-${source}`)) state.sources.push(source);
  }
  for (const quality of QUALITIES) {
    if (await checked(`#excludeQualities-${quality}`)) state.excludeQualities.push(quality);
  }
  for (const catalog of CATALOGS) {
    if (await checked(`#catalogs-${catalog}`)) state.catalogs.push(catalog);
  }
  return state;
}

function assertState(actual, expected, label) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  assert(a === e, `${label}: form is\n  ${a}\nexpected\n  ${e}`);
}

/// What the user chooses in case 1, as the form shows it.
const CHOSEN = {
  sources: ['dmm', 'yts'],
  excludeQualities: ['480p', 'cam'],
  realdebrid: token,
  maxSizeGb: '8',
  sort: 'seeders',
  limitPerQuality: '',
  maxResults: '50',
  excludeKeywords: '',
  cachedOnly: false,
  showDownloadLinks: true,
  catalogs: CATALOGS,
};

async function fillAndSubmit() {
  return withBrowser({}, async (page, context) => {
    await open(page, '/configure');
    assert((await page.title()).includes('Ferrio'), 'unexpected page title');

    await page.uncheck('#sources-torrentio');
    await page.check('#excludeQualities-cam');
    await page.check('#excludeQualities-480p');
    await page.fill('#maxSizeGb', '8');
    await page.selectOption('#sort', 'seeders');
    await page.fill('#realdebrid', token);

    // The Show toggle reveals the token and hides it again.
    assert((await page.getAttribute('#realdebrid', 'type')) === 'password', 'the token field is not a password field');
    await page.click('#toggle-token');
    assert((await page.getAttribute('#realdebrid', 'type')) === 'text', 'Show did not reveal the token');
    await page.click('#toggle-token');
    assert((await page.getAttribute('#realdebrid', 'type')) === 'password', 'Hide did not hide the token');
    log('form filled');

    await submit(page, 200);
    const manifestUrl = await page.inputValue('#manifest-url');
    assert(await page.isVisible('#manifest-url'), '#manifest-url is not visible');
    const url = new URL(manifestUrl);
    assert(`${url.protocol}//${url.host}` === new URL(base).origin, `manifest URL on another origin: ${url.origin}`);
    const match = url.pathname.match(/^\/([^/]+)\/manifest\.json$/);
    assert(match, `manifest URL is not /{config}/manifest.json: ${url.pathname}`);
    const segment = match[1];
    const installLink = await page.getAttribute('#install-link', 'href');
    assert(installLink === `stremio://${url.host}/${segment}/manifest.json`, `install link is ${installLink}`);
    assertState(await formState(page), shown(segment), 'after saving');
    log(`saved; manifest URL ${url.origin}/<segment of ${segment.length} chars>/manifest.json`);

    // Copy puts the manifest URL on the clipboard (127.0.0.1 is a secure context).
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(base).origin });
    assert(await page.isVisible('#copy'), 'the Copy button is hidden with JavaScript on');
    await page.click('#copy');
    await page.waitForFunction(() => document.getElementById('copy').textContent !== 'Copy');
    const label = await page.textContent('#copy');
    assert(label === 'Copied', `Copy says "${label}"`);
    const clipboard = await page.evaluate(() => navigator.clipboard.readText());
    assert(clipboard === manifestUrl, `the clipboard holds "${clipboard}"`);
    log('copy works');

    // The manifest URL serves the configured manifest. (Fetched outside the page: its
    // Content-Security-Policy rightly forbids it any request.)
    const response = await context.request.get(manifestUrl);
    assert(response.status() === 200, `GET manifest URL: status ${response.status()}`);
    const manifest = await response.json();
    assert(typeof manifest.id === 'string' && manifest.name.endsWith(' RD'), `configured manifest: ${JSON.stringify(manifest).slice(0, 200)}`);
    return segment;
  });
}

/// The form as the page shows CHOSEN: a sealed config's token is kept sealed, never shown.
function shown(segment) {
  return segment.startsWith('s.') ? { ...CHOSEN, realdebrid: '' } : CHOSEN;
}

async function reopen(segment) {
  return withBrowser({}, async (page) => {
    await open(page, `/${segment}/configure`);
    assertState(await formState(page), shown(segment), `/{config}/configure`);
    assert(!(await page.isVisible('#manifest-url')), 'a fresh configure page shows a manifest URL');
    const html = await page.content();
    if (segment.startsWith('s.')) {
      assert(!html.includes(token), 'the page of a sealed config shows the token');
      assert(await page.isVisible('#token-kept'), 'no notice that the token is kept');
    }
    log('/{config}/configure is prefilled');

    await submit(page, 200);
    const resaved = new URL(await page.inputValue('#manifest-url')).pathname.split('/')[1];
    assertState(await formState(page), shown(resaved), 'after saving again');
    log('saved again unchanged');
    return resaved;
  });
}

async function withoutJavaScript() {
  return withBrowser({ javaScriptEnabled: false }, async (page) => {
    await open(page, '/configure');
    await page.fill('#maxResults', '30');
    await submit(page, 200);
    const manifestUrl = await page.inputValue('#manifest-url');
    assert(manifestUrl.endsWith('/manifest.json'), `no manifest URL without JavaScript: ${manifestUrl}`);
    assert(!(await page.isVisible('#copy')), 'the Copy button shows although it cannot work');

    for (const source of ['dmm', 'yts', 'torrentio']) await page.uncheck(`#sources-${source}`);
    await submit(page, 400);
    assert(await page.isVisible('#error'), 'the error is not visible');
    const error = await page.textContent('#error');
    assert(/source/.test(error), `error says "${error}"`);
    assert(!(await page.isVisible('#manifest-url')), 'an invalid form still shows a manifest URL');
    log('works without JavaScript');
  });
}

async function main() {
  const segment = await fillAndSubmit();
  const resaved = await reopen(segment);
  await withoutJavaScript();
  console.log(JSON.stringify({ segment, resaved }));
}

main().catch((error) => {
  console.error(`configure-page FAILED: ${error && error.stack ? error.stack : error}`);
  process.exit(1);
});
