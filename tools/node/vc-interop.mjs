// Independent checks of Crosswalk's credentials with the Digital Bazaar
// stack, offline (a static document loader, never the network).
//
//   node vc-interop.mjs verify [OPTIONS] FILE...     one JSON line per file;
//                                                    exit 0 when all verify
//   node vc-interop.mjs sign --seed HEX --vm VM_ID [--created DATETIME]
//                            [--suite eddsa-rdfc-2022|ed25519-2020] FILE
//   node vc-interop.mjs canonize [OPTIONS] FILE      RDFC-1.0 N-Quads (safe)
//   node vc-interop.mjs canonize [OPTIONS] --out-dir DIR FILE...
//                                                    DIR/NAME.nq per FILE
//   node vc-interop.mjs expand [OPTIONS] FILE        expanded JSON-LD (safe)
//
// OPTIONS: --contexts FILE.json (URL -> context, the format of
// jsonld-contexts-offline.json; repeatable), --key VM_ID=PUBLIC_KEY_MULTIBASE
// (a Multikey verification method and its controller document for https
// issuers; repeatable), --did-doc FILE (a did:web DID document, resolved
// by its id; repeatable). verify --proof-only checks the proofs alone
// (jsonld-signatures, assertionMethod) without the credential rules of
// @digitalbazaar/vc (the issuer must be the key's controller, dates): the
// W3C test vector's issuer is not its key's. A FILE holding a test vector ({"signedCredential"})
// is read as its signed credential.
import {readFileSync, writeFileSync} from 'node:fs';
import {basename, join} from 'node:path';

import * as vc from '@digitalbazaar/vc';
import jsonld from 'jsonld';
import jsigs from 'jsonld-signatures';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from
  '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {Ed25519Signature2020} from '@digitalbazaar/ed25519-signature-2020';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';

import {makeLoader} from './lib/loader.mjs';
import {UsageError, runCommands} from './lib/cli.mjs';

const USAGE = `usage: vc-interop.mjs verify [--contexts FILE] [--key VM=MULTIBASE] [--did-doc FILE] [--proof-only] FILE...
       vc-interop.mjs sign --seed HEX --vm VM_ID [--created DATETIME] [--suite eddsa-rdfc-2022|ed25519-2020] FILE
       vc-interop.mjs canonize [--contexts FILE] [--out-dir DIR] FILE...
       vc-interop.mjs expand [--contexts FILE] FILE`;


// --name VALUE options (repeatable ones collect arrays) and the operands.
function parseArgs(argv, repeatable, single) {
  const options = {files: []};
  for (const name of repeatable) options[name] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--proof-only' && single.includes('proof-only')) {
      options['proof-only'] = true;
      continue;
    }
    if (!arg.startsWith('--')) {
      options.files.push(arg);
      continue;
    }
    const name = arg.slice(2);
    if (!repeatable.includes(name) && !single.includes(name))
      throw new UsageError(`unknown option ${arg}`);
    if (i + 1 >= argv.length)
      throw new UsageError(`${arg} needs a value`);
    if (repeatable.includes(name)) options[name].push(argv[++i]);
    else options[name] = argv[++i];
  }
  return options;
}

function parseKeys(values) {
  return values.map(value => {
    const eq = value.lastIndexOf('=');
    if (eq <= 0 || !value.slice(eq + 1).startsWith('z'))
      throw new UsageError(`--key ${value}: expected VM_ID=z6Mk...`);
    return {id: value.slice(0, eq), publicKeyMultibase: value.slice(eq + 1)};
  });
}

function readCredential(path) {
  const parsed = JSON.parse(readFileSync(path, 'utf8'));
  return parsed.signedCredential ?? parsed;
}

function errorText(error) {
  if (!error) return 'not verified';
  const errors = Array.isArray(error) ? error : error.errors ?? [error];
  return errors.map(e => e?.message ?? String(e)).join('; ');
}

async function verify(argv) {
  const options = parseArgs(argv, ['contexts', 'key', 'did-doc'],
    ['proof-only']);
  if (!options.files.length) throw new UsageError('verify needs a FILE');
  const proofOnly = options['proof-only'] === true;
  const {documentLoader} = makeLoader({
    contextFiles: options.contexts, keys: parseKeys(options.key),
    didDocuments: options['did-doc'],
  });
  const suite = [
    new DataIntegrityProof({cryptosuite: eddsaRdfc2022}),
    new Ed25519Signature2020(),
  ];
  let all = true;
  for (const file of options.files) {
    const line = {file};
    try {
      const credential = readCredential(file);
      const proofs = [].concat(credential.proof ?? []);
      line.proofs = proofs.map(p => p.cryptosuite ?? p.type);
      const result = proofOnly ?
        await jsigs.verify(credential, {
          suite, documentLoader,
          purpose: new jsigs.purposes.AssertionProofPurpose(),
        }) :
        await vc.verifyCredential({
          credential, suite, documentLoader,
          // Status lists are fetched documents: not checked here.
          checkStatus: async () => ({verified: true}),
        });
      if (proofOnly) line.check = 'proof only';
      line.verified = result.verified === true;
      if (credential.credentialStatus) line.status = 'not checked';
      if (!line.verified) line.error = errorText(result.error);
    } catch (error) {
      line.verified = false;
      line.error = error.message;
    }
    all &&= line.verified;
    console.log(JSON.stringify(line));
  }
  return all ? 0 : 1;
}

function parseSeed(hex) {
  if (!/^[0-9a-fA-F]{64}$/.test(hex ?? ''))
    throw new UsageError('--seed needs 64 hex digits (the Ed25519 seed)');
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

async function sign(argv) {
  const options = parseArgs(argv, ['contexts'], ['seed', 'vm', 'created',
    'suite']);
  if (options.files.length !== 1) throw new UsageError('sign needs one FILE');
  if (!options.vm) throw new UsageError('sign needs --vm VM_ID');
  const hash = options.vm.indexOf('#');
  const controller = hash < 0 ? options.vm : options.vm.slice(0, hash);
  const keyPair = await Ed25519Multikey.generate({
    seed: parseSeed(options.seed), id: options.vm, controller,
  });
  const {documentLoader} = makeLoader({
    contextFiles: options.contexts,
    keys: [{id: options.vm, publicKeyMultibase: keyPair.publicKeyMultibase}],
  });
  const date = options.created ?? undefined;
  let suite;
  switch (options.suite ?? 'eddsa-rdfc-2022') {
  case 'eddsa-rdfc-2022':
    suite = new DataIntegrityProof({
      signer: keyPair.signer(), cryptosuite: eddsaRdfc2022, date,
    });
    break;
  case 'ed25519-2020':
    suite = new Ed25519Signature2020({signer: keyPair.signer(), date});
    break;
  default:
    throw new UsageError(`--suite ${options.suite}: not a suite`);
  }
  const credential = readCredential(options.files[0]);
  delete credential.proof;
  const signed = await vc.issue({credential, suite, documentLoader});
  console.log(JSON.stringify(signed, null, 2));
  return 0;
}

async function canonize(argv) {
  const options = parseArgs(argv, ['contexts'], ['out-dir']);
  const outDir = options['out-dir'];
  if (!options.files.length || (options.files.length > 1 && !outDir))
    throw new UsageError('canonize needs one FILE, or --out-dir DIR');
  const {documentLoader} = makeLoader({contextFiles: options.contexts});
  const canonical = file => jsonld.canonize(
    JSON.parse(readFileSync(file, 'utf8')), {
      algorithm: 'RDFC-1.0', format: 'application/n-quads', documentLoader,
      safe: true,
    });
  if (!outDir) {
    process.stdout.write(await canonical(options.files[0]));
    return 0;
  }
  // --out-dir: DIR/NAME.nq for each FILE (NAME: its base name without
  // .json), or DIR/NAME.err holding the error; exit 1 when one failed.
  let code = 0;
  for (const file of options.files) {
    const name = join(outDir, basename(file).replace(/\.json$/, ''));
    try {
      writeFileSync(`${name}.nq`, await canonical(file));
    } catch (error) {
      writeFileSync(`${name}.err`, `${error.message}\n`);
      console.error(`vc-interop: ${file}: ${error.message}`);
      code = 1;
    }
  }
  return code;
}

async function expand(argv) {
  const options = parseArgs(argv, ['contexts'], []);
  if (options.files.length !== 1) throw new UsageError('expand needs one FILE');
  const {documentLoader} = makeLoader({contextFiles: options.contexts});
  const doc = JSON.parse(readFileSync(options.files[0], 'utf8'));
  const expanded = await jsonld.expand(doc, {documentLoader, safe: true});
  console.log(JSON.stringify(expanded, null, 2));
  return 0;
}

const commands = {verify, sign, canonize, expand};
await runCommands('vc-interop', commands, USAGE);
