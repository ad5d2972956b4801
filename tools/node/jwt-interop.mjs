// Independent checks of VC-JWTs (Open Badges 3.0 / VC 2.0, badges.md §2.3)
// with the `jose` package, offline.
//
//   node jwt-interop.mjs verify [--key FILE] [--alg ALG] [--credential FILE]
//                               JWT_FILE... [--key FILE ... JWT_FILE...]
//       Each option applies to the JWT files after it (until it is given
//       again). --key: a public JWK, or a crosswalk key file (its
//       publicKeyJwk); without it the header's jwk. --alg: the alg the header
//       must name (EdDSA, RS256, ES256). --credential: the unsigned
//       credential the payload must equal once the JWT claims are taken out.
//       Checks the signature, typ "JWT", the header members (alg, kid, jwk,
//       typ only; a jwk never private) and the claims iss = issuer(.id),
//       jti = id, nbf = validFrom, sub = credentialSubject.id, exp =
//       validUntil (each present exactly when its property is). One JSON line
//       per file: {file, verified, header, error}; exit 0 when all verify.
//   node jwt-interop.mjs sign --alg RS256|ES256|EdDSA [--public-jwk FILE] FILE
//       Signs the credential FILE as a VC-JWT with a fresh key pair: header
//       {alg, typ: "JWT", jwk: the public key}, payload = the credential plus
//       iss, jti, nbf, sub (and exp). Prints the compact JWS; --public-jwk
//       also writes the public JWK there.
import {readFileSync, writeFileSync} from 'node:fs';
import {isDeepStrictEqual} from 'node:util';

import * as jose from 'jose';
import {UsageError, runCommands} from './lib/cli.mjs';

const USAGE = `usage: jwt-interop.mjs verify [--key FILE] [--alg ALG] [--credential FILE] JWT_FILE...
       jwt-interop.mjs sign --alg RS256|ES256|EdDSA [--public-jwk FILE] FILE`;
const ALGS = ['EdDSA', 'RS256', 'ES256'];
const HEADER_MEMBERS = ['alg', 'kid', 'jwk', 'typ'];
const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];


function readJson(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

// The registered claims of a VC 2.0 credential, as badges.md §2.3 has them.
function claimsOf(credential) {
  const issuer = credential.issuer;
  const seconds = text => {
    const ms = Date.parse(text);
    if (Number.isNaN(ms)) throw new Error(`not a date-time: ${text}`);
    return Math.floor(ms / 1000);
  };
  const claims = {
    iss: typeof issuer === 'string' ? issuer : issuer?.id,
    jti: credential.id,
    nbf: credential.validFrom === undefined ? undefined :
      seconds(credential.validFrom),
    sub: [].concat(credential.credentialSubject ?? [])[0]?.id,
    exp: credential.validUntil === undefined ? undefined :
      seconds(credential.validUntil),
  };
  for (const name of Object.keys(claims))
    if (claims[name] === undefined) delete claims[name];
  if (!claims.iss) throw new Error('the credential has no issuer id');
  return claims;
}

function checkHeader(header, alg) {
  const extra = Object.keys(header).filter(m => !HEADER_MEMBERS.includes(m));
  if (extra.length) throw new Error(`header members not allowed: ${extra}`);
  if (header.typ !== 'JWT')
    throw new Error(`typ is ${JSON.stringify(header.typ)}, not "JWT"`);
  if (alg && header.alg !== alg)
    throw new Error(`alg is ${JSON.stringify(header.alg)}, not "${alg}"`);
  if (header.jwk &&
      PRIVATE_JWK_MEMBERS.some(m => Object.hasOwn(header.jwk, m)))
    throw new Error('the header jwk has private members');
}

function checkClaims(payload, credential) {
  const expected = claimsOf(credential ?? payload);
  for (const name of ['iss', 'jti', 'nbf', 'sub', 'exp']) {
    if (!isDeepStrictEqual(payload[name], expected[name])) {
      throw new Error(`claim ${name} is ${JSON.stringify(payload[name])}, ` +
        `expected ${JSON.stringify(expected[name])}`);
    }
  }
  if (credential) {
    const body = {...payload};
    for (const name of Object.keys(expected)) delete body[name];
    if (!isDeepStrictEqual(body, credential))
      throw new Error('the payload is not the credential (plus its claims)');
  }
}

async function verifyOne(file, {key, alg, credential}) {
  const line = {file};
  try {
    const jwt = readFileSync(file, 'utf8').trim();
    const header = jose.decodeProtectedHeader(jwt);
    line.header = header;
    checkHeader(header, alg);
    let jwk = key;
    if (!jwk) {
      if (!header.jwk) throw new Error('no --key and no jwk in the header');
      jwk = header.jwk;
    }
    const publicKey = await jose.importJWK(jwk, header.alg);
    const {payload} = await jose.compactVerify(jwt, publicKey,
      {algorithms: alg ? [alg] : ALGS});
    checkClaims(JSON.parse(new TextDecoder().decode(payload)), credential);
    line.verified = true;
  } catch (error) {
    line.verified = false;
    line.error = error.message;
  }
  return line;
}

async function verify(argv) {
  const current = {};
  let all = true, count = 0;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (['--key', '--alg', '--credential'].includes(arg)) {
      if (i + 1 >= argv.length) throw new UsageError(`${arg} needs a value`);
      const value = argv[++i];
      if (arg === '--key') {
        const parsed = readJson(value);
        current.key = parsed.publicKeyJwk ?? parsed;
      } else if (arg === '--alg') {
        if (!ALGS.includes(value))
          throw new UsageError(`--alg ${value}: expected ${ALGS.join('|')}`);
        current.alg = value;
      } else {
        current.credential = readJson(value);
      }
      continue;
    }
    if (arg.startsWith('--')) throw new UsageError(`unknown option ${arg}`);
    const line = await verifyOne(arg, current);
    all &&= line.verified;
    count++;
    console.log(JSON.stringify(line));
  }
  if (!count) throw new UsageError('verify needs a JWT_FILE');
  return all ? 0 : 1;
}

async function sign(argv) {
  let alg, publicJwkOut;
  const files = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--alg' || arg === '--public-jwk') {
      if (i + 1 >= argv.length) throw new UsageError(`${arg} needs a value`);
      if (arg === '--alg') alg = argv[++i];
      else publicJwkOut = argv[++i];
    } else if (arg.startsWith('--')) {
      throw new UsageError(`unknown option ${arg}`);
    } else {
      files.push(arg);
    }
  }
  if (!ALGS.includes(alg))
    throw new UsageError(`sign needs --alg ${ALGS.join('|')}`);
  if (files.length !== 1) throw new UsageError('sign needs one FILE');
  const credential = readJson(files[0]);
  const options = alg === 'EdDSA' ? {crv: 'Ed25519'} :
    alg === 'RS256' ? {modulusLength: 2048} : {};
  const {publicKey, privateKey} = await jose.generateKeyPair(alg, options);
  const jwk = await jose.exportJWK(publicKey);
  if (publicJwkOut) writeFileSync(publicJwkOut, `${JSON.stringify(jwk)}\n`);
  const payload = {...credential, ...claimsOf(credential)};
  const jwt = await new jose.CompactSign(
    new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({alg, typ: 'JWT', jwk})
    .sign(privateKey);
  console.log(jwt);
  return 0;
}

const commands = {verify, sign};
await runCommands('jwt-interop', commands, USAGE);
