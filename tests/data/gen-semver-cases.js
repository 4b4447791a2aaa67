#!/usr/bin/env node
// gen-semver-cases.js — a developer tool, NOT run at build time.
//
// Writes tests/data/semver-cases.txt from npm's own `semver` package (the
// copy bundled with npm on the development machine), which is the oracle
// for src/libkari/kari-version.c and kari-constraint.c. Nothing is
// downloaded. Regenerate with:
//
//   node tests/data/gen-semver-cases.js > tests/data/semver-cases.txt
//
// Output: one JSON array per line (tests/test-version.c reads them):
//   ["version", text, null]                          npm refuses it
//   ["version", text, major, minor, patch, pre, build]  pre/build "" if none
//   ["compare", a, b, -1|0|1]
//   ["range", text, null]                            npm refuses it
//   ["range", text, normalised, [[version, satisfies], ...]]
// Lines starting with '#' are comments. The generator is seeded, so the
// output only changes when this script or npm's semver changes.
'use strict'

const semver = require('/usr/lib/node_modules/npm/node_modules/semver')

// mulberry32: a small seeded generator, so runs are reproducible
let seed = 0x4b415249
function rand () {
  seed = (seed + 0x6d2b79f5) | 0
  let t = seed
  t = Math.imul(t ^ (t >>> 15), t | 1)
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}
const pick = (a) => a[Math.floor(rand() * a.length)]
const chance = (p) => rand() < p

const NUMS = ['0', '1', '2', '3', '10', '0', '1', '2', '01', '00', '9007199254740991',
  '9007199254740992', '9007199254740990', '99999999999999999999', '']
const SMALL = ['0', '1', '2', '3', '0', '1', '2', '10']
const PRE_IDS = ['alpha', 'beta', 'rc', '0', '1', '2', '10', 'a-b', '-', 'x', 'X', '1a', 'a1',
  '01', '', 'alpha', 'beta', '0', '1', '9007199254740993', 'Z', 'rc1']
const BUILD_IDS = ['build', '1', '001', 'sha-abc', 'exp', '', 'x.y']
const PREFIX = ['', '', '', '', 'v', '=', 'V', 'vv', '=v', 'v=', ' ', 'v ', '= ']
const SPACE = ['', '', '', ' ', '  ', '\t', '\n', '\u00a0', '\u3000', '\ufeff', '\u2028', '\u200b']

function pre (ids) {
  const n = 1 + Math.floor(rand() * 3)
  const out = []
  for (let i = 0; i < n; i++) out.push(pick(ids))
  return out.join('.')
}

function version (strict) {
  const nums = strict ? SMALL : NUMS
  let v = `${pick(nums)}.${pick(nums)}.${pick(nums)}`
  if (chance(0.35)) v += '-' + pre(strict ? PRE_IDS.filter(x => x && x !== '01') : PRE_IDS)
  if (chance(0.15)) v += '+' + pre(strict ? ['build', '1', '001', 'sha-abc'] : BUILD_IDS)
  return v
}

function junkVersion () {
  const base = version(false)
  switch (Math.floor(rand() * 10)) {
    case 0: return pick(SPACE) + pick(PREFIX) + base + pick(SPACE)
    case 1: return base.replace(/\.[^.]*$/, '')
    case 2: return base + '.' + pick(SMALL)
    case 3: return base.slice(0, Math.floor(rand() * base.length))
    case 4: return base + pick(['-', '+', '.', '..', '_', '!', 'é', ' x', '-a_b'])
    case 5: return pick(['x', '*', 'X', '1.x', '1.2.x']) + (chance(0.5) ? '' : '.0')
    case 6: return pick(PREFIX) + base
    default: return base
  }
}

// A partial version as ranges use them: 1, 1.2, 1.2.3, with x/X/*.
function partial (clean) {
  const X = ['x', 'X', '*']
  const part = () => chance(0.2) ? pick(X) : pick(chance(clean ? 1 : 0.9) ? SMALL : NUMS)
  let v = part()
  if (chance(0.75)) {
    v += '.' + part()
    if (chance(0.7)) {
      v += '.' + part()
      if (chance(0.3)) v += '-' + pre(clean ? CLEAN_PRE_IDS : PRE_IDS)
      if (chance(0.1)) v += '+' + pick(BUILD_IDS)
    }
  }
  if (chance(clean ? 0.03 : 0.1)) v = pick(['v', '=', 'vv', '=v']) + v
  return v
}

const CLEAN_PRE_IDS = ['alpha', 'beta', 'rc', '0', '1', '2', '10']
const CLEAN_OPS = ['', '=', '<', '<=', '>', '>=', '^', '~', '~>']
const OPS = ['', '', '', '=', '<', '<=', '>', '>=', '^', '^', '~', '~', '~>', '==', '=>',
  '>>', '!', '<>', '^~', '~^', '>=^']
const sp = () => chance(0.75) ? (chance(0.8) ? ' ' : pick(SPACE.filter(s => s))) : ''

function comparator () {
  if (chance(0.03)) return pick(['*', 'x', '', '-', 'a', 'latest', '1 2', '>', '^', '~', '||', '*.*'])
  const clean = chance(0.8)
  return pick(clean ? CLEAN_OPS : OPS) + (chance(0.15) ? ' ' : '') + partial(clean)
}

function alternative () {
  if (chance(0.2)) {
    const clean = chance(0.8)
    return partial(clean) + (clean ? ' - ' : pick(['-', ' -', '  -  ', '\t-\t'])) + partial(clean)
  }
  const n = 1 + Math.floor(rand() * 3)
  const out = []
  for (let i = 0; i < n; i++) out.push(comparator())
  return out.join(chance(0.9) ? ' ' : pick(['  ', ',', ' , ', '\t', ' && ']))
}

function range () {
  const n = chance(0.7) ? 1 : 2 + Math.floor(rand() * 2)
  const out = []
  for (let i = 0; i < n; i++) out.push(alternative())
  return sp() + out.join(pick([' || ', '||', ' ||', '|| ', ' | ', '  ||  '])) + sp()
}

const lines = []
const emit = (a) => lines.push(JSON.stringify(a))

// Versions to test every valid range against: a grid near the numbers the
// ranges use, with and without pre-releases.
const PROBES = []
for (const M of ['0', '1', '2', '3', '10']) {
  for (const m of ['0', '1', '2']) {
    for (const p of ['0', '1', '3']) {
      PROBES.push(`${M}.${m}.${p}`)
    }
  }
}
for (const v of ['1.2.3-alpha', '1.2.3-beta.2', '1.2.3-0', '1.2.4-alpha', '2.0.0-0', '2.0.0-rc.1',
  '0.0.1-alpha', '0.1.0-beta', '3.0.0-alpha.10', '1.0.0-1', '1.2.3-a-b', '1.0.0-alpha.1',
  '9007199254740991.0.0', '0.0.0', '0.0.0-0', '1.2.3+build', '1.3.0-0', '3.10.1']) {
  PROBES.push(v)
}

function emitVersion (text) {
  let v
  try { v = new semver.SemVer(text) } catch (e) { emit(['version', text, null]); return }
  emit(['version', text, v.major, v.minor, v.patch, v.prerelease.join('.'), v.build.join('.')])
}

function emitRange (text) {
  let r
  try { r = new semver.Range(text) } catch (e) { emit(['range', text, null]); return }
  const probes = PROBES.slice()
  // and versions built from the range's own numbers
  for (const set of r.set) {
    for (const c of set) {
      if (c.semver && c.semver.version) probes.push(c.semver.version)
    }
  }
  const seen = new Set()
  const checks = []
  for (const p of probes) {
    if (seen.has(p)) continue
    seen.add(p)
    checks.push([p, semver.satisfies(p, r)])
  }
  emit(['range', text, r.range, checks])
}

lines.push('# Generated by tests/data/gen-semver-cases.js from npm semver ' +
  require('/usr/lib/node_modules/npm/node_modules/semver/package.json').version + '; do not edit.')

// Hand-picked edge cases first.
const EDGE_VERSIONS = ['1.2.3', ' 1.2.3 ', 'v1.2.3', '=1.2.3', 'V1.2.3', 'vv1.2.3', ' v1.2.3',
  'v 1.2.3', '1.2', '1', '', ' ', '1.2.3.4', '01.2.3', '1.02.3', '1.2.03', '0.0.0', '1.2.3-0',
  '1.2.3-00', '1.2.3-01', '1.2.3-0a', '1.2.3-a.01', '1.2.3-', '1.2.3+', '1.2.3-a..b',
  '1.2.3-alpha+build.1', '1.2.3+build.01', '1.2.3-+', '1.2.3-alpha_1', '1.2.3-é',
  '9007199254740991.9007199254740991.9007199254740991', '9007199254740992.0.0',
  '1.2.3-9007199254740992', '\t1.2.3\n', '\u00a01.2.3\u3000', '\ufeff1.2.3', '\u200b1.2.3',
  '1.2.3 ', '1.2.3-a b', '1.2.3-' + 'a'.repeat(249), '1.2.3-' + 'a'.repeat(251),
  ' '.repeat(252) + '1.2.3', ' '.repeat(249) + '1.2.3', 'x.y.z', '1.2.x', '-1.2.3',
  '+1.2.3', '1.2.3-alpha.-', '1.2.3---', '1.2.3-x.7.z.92', '1.0.0-alpha+001', '1.0.0+20130313144700',
  '1.0.0-beta+exp.sha.5114f85', '1.0.0+21AF26D3----117B344092BD']
for (const v of EDGE_VERSIONS) emitVersion(v)

const EDGE_RANGES = ['', ' ', '*', 'x', 'X', '**', '*.*', 'x.x.x', '1.x', '1.2.*', '1.*.3', 'x.1',
  '1.2.3', '=1.2.3', 'v1.2.3', '=v1.2.3', '==1.2.3', '= 1.2.3', '>=1.2', '> 1.2', '>1', '<1.2',
  '<=1.2', '<=1', '>=1.2.3-alpha', '>=1.2.3-alpha <1.2.4', '^1.2.3', '^0.2.3', '^0.0.3', '^0.0.x',
  '^0.0', '^0.x', '^0', '^1.2.3-beta.2', '^0.0.1-beta', '^ 1.2', '^*', '^*.1', '^1.x.3', '^v1.2',
  '~1.2.3', '~1.2', '~1', '~0', '~>1.2', '~> 1.2', '~>=1', '~ 1', '~*', '~1.2.3-beta.2', '~v1',
  '1.2.3 - 2.3.4', '1.2 - 2.3.4', '1.2.3 - 2.3', '1.2.3 - 2', '1 - 2', '* - 2', '1.2.3-pre - 2.0.0-pre',
  '1.2.3 -2.3.4', '1.2.3- 2.3.4', '1.2.3 - 2.3.4 - 3', 'v1.2.3 - 2', '=1.2.3 - 2', '1.2.3 - v2',
  '1.2.3+build - 2.3.4+build', ' +b 1.2.3', '1.2.3 +b - 2', '1.2.3 || 2.3.4', '||', '1.2.3 ||',
  '|| 1.2.3', '1.2.3 | 2', '<0.0.0-0', '<0.0.0-0 || 1.2.3', '* || 1', '1 || *', '>=0.0.0',
  '>= 0.0.0', '>=0.0.0 <2', '>1.2.3 <1.0.0', '>=1.2.3 >=1.2.3', '>=1.2.3 >= 2', '1.2.3 >',
  '>', '<', '>=', '>=*', '<*', '>*', '<=*', '=*', '>x', '<=x', '>1.x', '<1.x', '<=0.7.x', '>=1.x',
  '^9007199254740991', '^9007199254740990', '~9007199254740991', '<=9007199254740990.x',
  '<=9007199254740991.x', '>9007199254740991.x', '1.2.3-alpha.1', '\t^1.2\n', '\u00a0^1.2\u3000',
  '^1.2\u3000||\u3000~2', '>=\u00a01.2.3', '1.2.3  2.3.4', 'latest', 'next', '1.2.3,2.3.4',
  '>=1.0.0, <2.0.0', '!1.2.3', '>=1.2.3 && <2', '^1.2.3 ^1.2.4', '>=a', '1.2.3-', '^1.2.3-',
  '1.2.3+', '~>1.2.3-beta', '>=1.2.3-0.0.1', '1.2.3-01', '>=1.2.3-01', '^01.2.3', '1.02.x',
  'vvvv1.2.3 - 2', 'v=v=1 - 2', '>= =1.2.3', '>=v1.2.3', '>v1', '<v=1', '~v=1.2', '^=1.2.3',
  '^v 1.2', '1.2.3 - 2.3.4 || 5', '1 - 2 || 3 - 4', '>=1 <2 || >=3 <4 || 5.x', '1.2.3\t-\t2.3.4']
for (const r of EDGE_RANGES) emitRange(r)

for (let i = 0; i < 2500; i++) emitVersion(chance(0.5) ? version(chance(0.5)) : junkVersion())

const pool = []
for (let i = 0; i < 300; i++) pool.push(version(true))
for (const v of PROBES) pool.push(v)
for (let i = 0; i < 3000; i++) {
  const a = pick(pool)
  const b = chance(0.1) ? a : pick(pool)
  emit(['compare', a, b, semver.compare(a, b)])
}
// identifiers beyond 2^53 compare as doubles in npm
for (const [a, b] of [['1.0.0-9007199254740993.a', '1.0.0-9007199254740992.b'],
  ['1.0.0-9007199254740993', '1.0.0-9007199254740994'], ['1.0.0-99999999999999999999', '1.0.0-9'],
  ['1.0.0-alpha', '1.0.0-alpha.1'], ['1.0.0-alpha.1', '1.0.0-alpha.beta'], ['1.0.0-beta.2', '1.0.0-beta.11'],
  ['1.0.0-rc.1', '1.0.0'], ['1.0.0+a', '1.0.0+b'], ['1.0.0-A', '1.0.0-a'], ['1.0.0--', '1.0.0-0']]) {
  emit(['compare', a, b, semver.compare(a, b)])
}

for (let i = 0; i < 4000; i++) emitRange(range())

process.stdout.write(lines.join('\n') + '\n')
