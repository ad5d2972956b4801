// Signs and verifies one credential N times with the Node stack
// (@digitalbazaar/vc, eddsa-rdfc-2022, offline loader) on one thread, the
// reference figure for crosswalk's C signer. Prints creds/s for each.
//
//   node bench/vc_node_bench.mjs [--n N] [--seed HEX] [CREDENTIAL.json]
//
// Needs tools/node/node_modules (scripts/deps.sh build). The default
// credential is bench/data/ob3-bench-credential.json (issuer did:key of the
// seed below: the OB 3.0 test vector's key, published by 1EdTech).
import {readFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {dirname, join} from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const tools = join(here, '..', 'tools', 'node');
// Resolve the packages from tools/node, where they are installed.
const require = createRequire(join(tools, 'package.json'));
const load = name => import(pathToFileURL(require.resolve(name)).href);

const vc = await load('@digitalbazaar/vc');
const {DataIntegrityProof} = await load('@digitalbazaar/data-integrity');
const {cryptosuite: eddsaRdfc2022} =
  await load('@digitalbazaar/eddsa-rdfc-2022-cryptosuite');
const Ed25519Multikey = await load('@digitalbazaar/ed25519-multikey');
const {makeLoader} = await import(
  pathToFileURL(join(tools, 'lib', 'loader.mjs')).href);

const args = process.argv.slice(2);
let n = 200;
let seedHex = '6241a409e6707bb640a0140a8a32bc3d193c33a661747284d6adfa4ed4180be4';
let file = join(here, 'data', 'ob3-bench-credential.json');
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--n') n = Number(args[++i]);
  else if (args[i] === '--seed') seedHex = args[++i];
  else file = args[i];
}
if (!Number.isInteger(n) || n < 1 || !/^[0-9a-fA-F]{64}$/.test(seedHex)) {
  console.error('usage: vc_node_bench.mjs [--n N] [--seed HEX] [FILE]');
  process.exit(2);
}

const seed = Uint8Array.from(Buffer.from(seedHex, 'hex'));
const keyPair = await Ed25519Multikey.generate({seed});
const did = `did:key:${keyPair.publicKeyMultibase}`;
keyPair.id = `${did}#${keyPair.publicKeyMultibase}`;
keyPair.controller = did;
const {documentLoader} = makeLoader();
const credential = JSON.parse(readFileSync(file, 'utf8'));
delete credential.proof;
if (typeof credential.issuer === 'object') credential.issuer.id = did;
else credential.issuer = did;

const signOnce = () => vc.issue({
  credential: structuredClone(credential), documentLoader,
  suite: new DataIntegrityProof({
    signer: keyPair.signer(), cryptosuite: eddsaRdfc2022,
  }),
});
const verifySuite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});
const verifyOnce = async signed => {
  const result = await vc.verifyCredential({
    credential: signed, suite: verifySuite, documentLoader,
  });
  if (!result.verified)
    throw new Error(`did not verify: ${result.error?.message}`);
};

async function rate(label, count, run) {
  for (let i = 0; i < Math.min(20, count); i++) await run(); // warm-up
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) await run();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  console.log(`${label}: ${(count / seconds).toFixed(1)} creds/s ` +
              `(${count} in ${seconds.toFixed(2)} s)`);
}

const signed = await signOnce();
await rate('node sign', n, signOnce);
await rate('node verify', n, () => verifyOnce(signed));
console.log(`node ${process.version}, credential ${file}`);
