// Helpers of vc_interop.sh that need no npm package (node:crypto only).
//
//   node interop_helper.mjs seed-key SEED_HEX PEM_OUT [SEED_HEX PEM_OUT...]
//       Writes the Ed25519 private key of each 32-byte seed as PKCS#8 PEM and
//       prints its did:key DID (did:key:z6Mk...), one line each.
//   node interop_helper.mjs variants SEED COUNT DIR
//       Writes COUNT OB 3.0 credential variants, DIR/variant-NN.json, made
//       from the integer SEED (the same seed gives the same files); see
//       variants() below for what they vary.
import {createPrivateKey, createPublicKey} from 'node:crypto';
import {mkdirSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

function base58btc(bytes) {
  let n = 0n;
  for (const b of bytes) n = n * 256n + BigInt(b);
  let out = '';
  while (n > 0n) {
    out = BASE58[Number(n % 58n)] + out;
    n /= 58n;
  }
  for (const b of bytes) {
    if (b !== 0) break;
    out = '1' + out;
  }
  return out;
}

function seedKey(seedHex, pemOut) {
  if (!/^[0-9a-fA-F]{64}$/.test(seedHex ?? ''))
    throw new Error('seed-key needs 64 hex digits');
  // PKCS#8 PrivateKeyInfo of an Ed25519 key (RFC 8410) around the seed.
  const der = Buffer.concat([
    Buffer.from('302e020100300506032b657004220420', 'hex'),
    Buffer.from(seedHex, 'hex'),
  ]);
  const key = createPrivateKey({key: der, format: 'der', type: 'pkcs8'});
  writeFileSync(pemOut, key.export({format: 'pem', type: 'pkcs8'}));
  const x = Buffer.from(createPublicKey(key).export({format: 'jwk'}).x,
    'base64url');
  const multibase = 'z' + base58btc(Buffer.concat([Buffer.from([0xed, 0x01]),
    x]));
  console.log(`did:key:${multibase}`);
}

// mulberry32: a small deterministic PRNG.
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// A JSON number written exactly as its text (JSON.stringify would rewrite
// 1E21 as 1e+21 and -0 as 0): serialize() puts the text in.
class Num {
  constructor(text) { this.text = text; }
  toJSON() { return `\u0000num:${this.text}\u0000`; }
}
const num = text => new Num(text);
function serialize(value) {
  return JSON.stringify(value, null, 2)
    .replace(/"\\u0000num:([^\\]*)\\u0000"/g, '$1') + '\n';
}

// Number texts: integral and fractional, exponents, past 2^53 and 2^63,
// at and around 1e21 (where JSON-LD switches to the xsd:double form), -0.
// Not numbers between 0 and 1e-6: jsonld.js writes those as "0" (it looks
// for a '.' in JavaScript's text of the number), against JSON-LD 1.1, so
// crosswalk refuses to sign them; vc_interop.sh checks that separately.
const NUMBERS = ['3', '3.5', '1e21', '0.1', '0', '-0', '3.0', '1E21',
  '1e20', '100000000000000000000', '999999999999999900000', '1.5e+2', '-7',
  '123456789012', '9007199254740993', '18446744073709551616',
  '-0.0', '1.7976931348623157e308', '0.30000000000000004',
  '12345.678', '-1e21', '4.35', '0.000001', '1e300', '0.00000123'];

// Names with JSON escapes and characters N-Quads escapes or keeps.
const NAMES = [
  'Plain Badge',
  'Quote "double" and \'single\'',
  'Back\\slash \\n not a newline',
  'Tab\there',
  'Line one\nLine two',
  'Carriage\r\nreturn',
  'Emoji 🎓🏅 and ZWJ 👩‍🔬',
  'Accents: Café, Ünïcödé, Ærø, Łódź',
  'CJK 学位证书 and Hangul 학위',
  'RTL עברית العربية',
  'Controls \u0001\u0007\b\f\u000b\u001f\u007f end',
  'Specials \u0085 \u00a0 \u2028 \u2029 \ufeff \ufffd',
  'Astral 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𐍈',
  '   leading and trailing spaces   ',
  '',
  '<not> &amp; a tag',
];

const pick = (rand, list) => list[Math.floor(rand() * list.length)];

function alignment(rand, n) {
  return {
    type: ['Alignment'],
    targetName: `Framework skill ${n}`,
    targetUrl: `https://frameworks.example.org/skills/${n}`,
    targetFramework: 'Interop Skills Framework',
    targetCode: `SK-${n}`,
    ...(rand() < 0.5 ? {targetType: 'ceasn:Competency'} : {}),
  };
}

function variant(i, rand) {
  const features = new Set();
  // Variant i always has feature i % 8; others at random.
  for (let f = 0; f < 8; f++)
    if (f === i % 8 || rand() < 0.35) features.add(f);
  const achievement = {
    id: `https://interop.example.org/achievements/a-${i}`,
    type: ['Achievement'],
    name: NAMES[i % NAMES.length],
    description: pick(rand, NAMES) + ` (variant ${i})`,
    criteria: {narrative: pick(rand, NAMES)},
    creditsAvailable: num(NUMBERS[i % NUMBERS.length]),
  };
  const subject = {
    id: `did:example:learner-${i}`,
    type: ['AchievementSubject'],
    achievement,
  };
  const credential = {
    '@context': [
      'https://www.w3.org/ns/credentials/v2',
      'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
    ],
    id: `urn:uuid:00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    issuer: {
      id: 'https://interop.example.org/issuers/1',
      type: ['Profile'],
      name: pick(rand, NAMES),
    },
    validFrom: '2024-09-02T08:30:00Z',
    name: NAMES[(i * 7 + 3) % NAMES.length],
    credentialSubject: subject,
  };
  if (features.has(0)) { // alignments, two of them identical (a tie)
    const n = 1 + Math.floor(rand() * 3);
    achievement.alignment = [alignment(() => 0, 1), alignment(() => 0, 1)];
    for (let k = 0; k < n; k++) achievement.alignment.push(alignment(rand, k + 2));
  }
  if (features.has(1)) { // numbers in typed (xsd:float) and untyped terms
    subject.creditsEarned = num(pick(rand, NUMBERS));
    credential.issuer.address = {
      type: ['Address'],
      addressLocality: pick(rand, NAMES),
      geo: {
        type: 'GeoCoordinates',
        latitude: num(pick(rand, NUMBERS)),
        longitude: num(pick(rand, NUMBERS)),
      },
    };
  }
  if (features.has(2)) { // result descriptions with allowedValue lists
    const lists = [['A', 'B', 'C', 'D', 'F'], [], ['Pass'],
      ['Mastered', 'Mastered', 'Not yet'], [pick(rand, NAMES), 'x']];
    achievement.resultDescription = [{
      id: `urn:uuid:rd-${i}-1`,
      type: ['ResultDescription'],
      name: 'Final grade',
      resultType: 'LetterGrade',
      allowedValue: pick(rand, lists),
      requiredValue: 'C',
    }, {
      id: `urn:uuid:rd-${i}-2`,
      type: ['ResultDescription'],
      name: 'Rubric',
      resultType: 'RubricCriterionLevel',
      allowedValue: pick(rand, lists),
      rubricCriterionLevel: [{
        id: `urn:uuid:rcl-${i}-1`,
        type: ['RubricCriterionLevel'],
        name: 'Exemplary',
        level: 'Level 4',
        points: '4',
      }, {
        id: `urn:uuid:rcl-${i}-2`,
        type: ['RubricCriterionLevel'],
        name: pick(rand, NAMES),
        points: '2',
      }],
    }];
  }
  if (features.has(3)) { // results (blank nodes), two identical
    const result = {
      type: ['Result'],
      resultDescription: `urn:uuid:rd-${i}-1`,
      value: pick(rand, ['A', 'B', 'Pass', NAMES[1]]),
    };
    subject.result = [result, {...result},
      {type: ['Result'], resultDescription: `urn:uuid:rd-${i}-2`,
        achievedLevel: `urn:uuid:rcl-${i}-1`, status: 'Completed'}];
  }
  if (features.has(4)) { // evidence (blank nodes and ids)
    credential.evidence = [{
      type: ['Evidence'],
      name: pick(rand, NAMES),
      narrative: pick(rand, NAMES),
      genre: 'Portfolio',
      audience: 'Employers',
    }, {
      id: `https://interop.example.org/evidence/${i}`,
      type: ['Evidence'],
      description: pick(rand, NAMES),
    }];
    if (rand() < 0.5) credential.evidence.push({...credential.evidence[0]});
  }
  if (features.has(5)) { // booleans (xsd:boolean) in identity objects
    subject.identifier = [{
      type: 'IdentityObject',
      identityHash: 'learner@example.org',
      identityType: 'emailAddress',
      hashed: false,
    }, {
      type: 'IdentityObject',
      identityHash: 'sha256$c7ef86405ba71b85acd8e2e95166c4b111448089f2e1599f42fe1bba46e865c5',
      identityType: 'emailAddress',
      hashed: true,
      salt: 'not-a-secret',
    }];
  }
  if (features.has(6)) { // dates, tags, languages, images
    subject.activityStartDate = '2024-01-15';
    subject.activityEndDate = '2024-06-30';
    credential.awardedDate = pick(rand, ['2024-09-01T12:00:00Z',
      '2024-09-01T12:00:00.123+02:00', '2024-09-01T00:00:00-05:30']);
    achievement.tag = ['electronics', 'soldering', 'electronics', NAMES[8]];
    achievement.inLanguage = 'en-GB';
    achievement.image = {
      id: 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
      type: 'Image',
      caption: pick(rand, NAMES),
    };
  }
  if (features.has(7)) { // more structure: validUntil, achievementType, IRIs
    credential.validUntil = '2034-09-02T08:30:00Z';
    achievement.achievementType = 'Certificate';
    achievement.humanCode = 'SOLD-101';
    achievement.creator = {
      id: 'https://interop.example.org/issuers/1#creator',
      type: ['Profile'],
      name: 'Crosswalk Interop Academy — Faculty',
    };
    credential.issuer.url = 'https://interop.example.org/ünïcode/path?q=1#frag';
  }
  return credential;
}

function variants(seedText, countText, dir) {
  const seed = Number.parseInt(seedText, 10), count = Number(countText);
  if (!Number.isInteger(seed) || !Number.isInteger(count) || count < 1 || !dir)
    throw new Error('variants needs SEED COUNT DIR');
  const rand = prng(seed);
  mkdirSync(dir, {recursive: true});
  for (let i = 0; i < count; i++) {
    const name = `variant-${String(i).padStart(2, '0')}.json`;
    writeFileSync(join(dir, name), serialize(variant(i, rand)));
  }
}

const [command, ...args] = process.argv.slice(2);
try {
  if (command === 'seed-key') {
    if (!args.length || args.length % 2)
      throw new Error('seed-key needs SEED_HEX PEM_OUT pairs');
    for (let i = 0; i < args.length; i += 2) seedKey(args[i], args[i + 1]);
  }
  else if (command === 'variants') variants(...args);
  else throw new Error(`unknown command ${command}`);
} catch (error) {
  console.error(`interop_helper: ${error.message}`);
  process.exitCode = 2;
}
