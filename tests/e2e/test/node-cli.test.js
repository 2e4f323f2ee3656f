// The node binary on bad input and operator workflows: chain-spec drift, a malformed chain
// spec, a `local` validator with and without its session keys, and the read-only auditor node.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ethers } from 'ethers';
import { Keyring } from '@polkadot/api';
import { ROOT, jsonRpc, metricValue, runNodeSync, scrapeMetrics, startNode, tempDir, until } from '../lib/node.js';
import { connect } from '../lib/rollup.js';

const MISSING_KEYS = /keystore holds no aura, gran, attn session key/;
// Any kind missing (the check names each one).
const ANY_MISSING_KEY = /keystore holds no [a-z, ]+ session key/;

describe('chain specs', () => {
  for (const chain of ['dev', 'local']) {
    test(`chain-specs/${chain}.json matches the runtime (regenerate with scripts/regenerate-chain-specs.sh)`, () => {
      const r = runNodeSync(['export-chain-spec', '--chain', chain], { maxBuffer: 64 << 20 });
      assert.equal(r.status, 0, r.stderr);
      const committed = fs.readFileSync(path.join(ROOT, `chain-specs/${chain}.json`), 'utf8');
      assert.ok(committed.trim() === r.stdout.trim(),
        `chain-specs/${chain}.json drifted from the runtime: run scripts/regenerate-chain-specs.sh`);
    });
  }

  test('the committed local spec has four validators, a council, well-known nodes and no sudo', () => {
    const spec = JSON.parse(fs.readFileSync(path.join(ROOT, 'chain-specs/local.json'), 'utf8'));
    const patch = spec.genesis.runtimeGenesis.patch;
    // Aura and GRANDPA authorities come from the validators' session keys.
    assert.equal(patch.validatorSet.validators.length, 4);
    assert.equal(patch.validatorSet.minValidators, 4);
    assert.deepEqual(patch.session.keys.map(([account]) => account), patch.validatorSet.validators);
    for (const [, , keys] of patch.session.keys) assert.ok(keys.aura && keys.grandpa, 'aura and grandpa keys');
    assert.deepEqual(patch.councilMembership.members.slice().sort(), patch.validatorSet.validators.slice().sort());
    assert.equal(patch.nodeAuthorization.nodes.length, 6);
    assert.equal(patch.sudo, undefined, 'no sudo key on local');
    assert.equal(spec.properties.evmChainId, patch.evmChainId.chainId);
  });

  // A consortium's own chain (issue "chain operations"): its spec from the organisations' keys and
  // nodes, without editing JSON; here the keys and nodes of the local chain's four validators.
  test('consortium-spec builds the spec of four organisations from their keys and nodes; a node starts from its raw form; bad descriptions are refused by organisation and field', async () => {
    const local = JSON.parse(fs.readFileSync(path.join(ROOT, 'chain-specs/local.json'), 'utf8')).genesis.runtimeGenesis.patch;
    const names = ['Acme Ltd', 'Globex', 'Initech', 'Umbrella'];
    const organisations = local.session.keys.map(([account, , keys], i) => ({
      name: names[i], account, validator: keys, council: i < 3,
      nodes: local.nodeAuthorization.nodes.filter(([, owner]) => owner === account).map(([peer]) => ethers.encodeBase58(Uint8Array.from(peer))),
    }));
    assert.ok(organisations.every((o) => o.nodes.length === 1 && o.nodes[0].startsWith('12D3KooW')), JSON.stringify(organisations));
    const consortium = { name: 'Acme BPM Consortium', id: 'acme_bpm', evmChainId: 424242, organisations };
    const dir = tempDir('consortium');
    const write = (name, value) => { const f = path.join(dir, name); fs.writeFileSync(f, JSON.stringify(value)); return f; };
    const config = write('consortium.json', consortium);

    const r = runNodeSync(['consortium-spec', '--config', config], { maxBuffer: 64 << 20 });
    assert.equal(r.status, 0, r.stderr);
    const spec = JSON.parse(r.stdout);
    assert.equal(spec.name, 'Acme BPM Consortium');
    assert.equal(spec.chainType, 'Live');
    assert.equal(spec.protocolId, 'acme_bpm');
    assert.equal(spec.properties.evmChainId, 424242);
    const patch = spec.genesis.runtimeGenesis.patch;
    const accounts = organisations.map((o) => o.account);
    assert.deepEqual(patch.validatorSet.validators, accounts);
    assert.equal(patch.validatorSet.minValidators, 4);
    assert.deepEqual(patch.session.keys.map(([a, , k]) => [a, k]), local.session.keys.map(([a, , k]) => [a, k]));
    assert.deepEqual(patch.councilMembership.members, accounts.slice(0, 3));
    assert.deepEqual(patch.nodeAuthorization.nodes.map(([, owner]) => owner), accounts);
    assert.equal(patch.evmChainId.chainId, 424242);
    assert.equal(patch.sudo, undefined, 'no sudo key');

    // The raw form: a node starts from it and serves the consortium's chain.
    const raw = runNodeSync(['consortium-spec', '--config', config, '--raw'], { maxBuffer: 64 << 20 });
    assert.equal(raw.status, 0, raw.stderr);
    assert.ok(JSON.parse(raw.stdout).genesis.raw.top, 'the genesis storage');
    const rawFile = path.join(dir, 'acme-raw.json');
    fs.writeFileSync(rawFile, raw.stdout);
    const node = await startNode(['--chain', rawFile], { name: 'consortium' });
    try {
      const rpc = `http://127.0.0.1:${node.rpcPort}`;
      assert.equal(await until(() => jsonRpc(rpc, 'system_chain'), 60_000, 'the node\'s RPC'), 'Acme BPM Consortium');
      assert.equal((await jsonRpc(rpc, 'system_properties')).evmChainId, 424242);
    } finally {
      await node.stop();
    }

    // Refusals name the file, the organisation and the field.
    const refused = (value, re) => {
      const bad = runNodeSync(['consortium-spec', '--config', write('bad.json', value)]);
      assert.notEqual(bad.status, 0);
      assert.match(bad.stderr, re);
      assert.ok(bad.stderr.includes('bad.json'), bad.stderr);
    };
    refused({ ...consortium, organisations: organisations.slice(0, 3) }, /3 organisation\(s\) with validator keys: a consortium chain needs at least 4 validators/);
    refused({ ...consortium, evmChainId: 16716 }, /evmChainId 16716: choose a chain id of your own/);
    refused({ ...consortium, organisations: [...organisations, { ...organisations[0], name: 'Copycat', validator: undefined, nodes: [] }] },
      /organisation "Copycat", account: already given for organisation "Acme Ltd"/);
    refused({ ...consortium, organisations: organisations.map((o, i) => (i === 1 ? { ...o, nodes: ['not-a-peer'] } : o)) },
      /organisation "Globex", nodes: "not-a-peer" is not a PeerId/);
    refused({ ...consortium, organisations: organisations.map((o, i) => (i === 2 ? { ...o, validator: { ...o.validator, aura: '0x1234' } } : o)) },
      /organisation "Initech", validator.aura: 2 bytes, expected 32/);
    refused({ ...consortium, organisations: organisations.map((o) => ({ ...o, council: false })) }, /no organisation has "council": true/);
  });

  test('a malformed chain spec gives a clear error naming the file', () => {
    const dir = tempDir('badspec');
    const file = path.join(dir, 'broken.json');
    fs.writeFileSync(file, '{"name": "AlstraNet", "id": "broken", "genesis": {');
    const r = runNodeSync(['--chain', file, '--base-path', dir, '--no-prometheus']);
    assert.notEqual(r.status, 0, 'the node must refuse to start');
    assert.match(r.stderr + r.stdout, /cannot load the chain spec/);
    assert.ok((r.stderr + r.stdout).includes(file), 'the error names the file');
  });
});

describe('auditor node (--auditor)', () => {
  test('an auditor cannot be started as an authority or with unsafe RPC methods', () => {
    for (const [extra, named] of [
      [['--chain', 'local', '--validator'], /--auditor cannot be combined with --validator/],
      [['--dev'], /--auditor cannot be combined with --dev/],
      [['--chain', 'local', '--charlie'], /--auditor cannot be combined with a test-account flag such as --alice/],
      [['--chain', 'local', '--rpc-methods', 'unsafe'], /--auditor cannot be combined with --rpc-methods unsafe/],
    ]) {
      const dir = tempDir('auditor-refused');
      const r = runNodeSync(['--auditor', ...extra, '--base-path', dir, '--no-prometheus']);
      assert.notEqual(r.status, 0, `the node must refuse to start with ${extra.join(' ')}`);
      assert.match(r.stderr + r.stdout, named);
      assert.ok(!fs.existsSync(path.join(dir, 'chains')), 'refused before opening a database');
    }
  });

  test('an auditor serves reads (Substrate and Ethereum RPC) and metrics, refuses unsafe methods and every submitted transaction', async () => {
    const node = await startNode(['--chain', 'local', '--auditor'], { name: 'auditor', prepare: generateNodeKey, prometheus: true, eth: true });
    const url = `http://127.0.0.1:${node.rpcPort}`;
    try {
      await until(() => jsonRpc(url, 'system_health'), 120_000, 'the auditor\'s RPC');
      assert.deepEqual(await jsonRpc(url, 'system_nodeRoles'), ['Full'], 'never an authority');
      await assert.rejects(jsonRpc(url, 'author_rotateKeys'), /unsafe/, 'unsafe methods are not served');
      await assert.rejects(jsonRpc(url, 'author_insertKey', ['aura', '//Alice', '0x' + '00'.repeat(32)]), /unsafe/);
      // A transaction signed correctly for this chain is refused at submission, by both RPCs.
      const api = await connect(node.wsUrl);
      try {
        const alice = new Keyring({ type: 'sr25519' }).addFromUri('//Alice');
        const tx = await api.tx.system.remark('0x00').signAsync(alice, { nonce: 0 });
        await assert.rejects(jsonRpc(url, 'author_submitExtrinsic', [tx.toHex()]), /read-only auditor node \(--auditor\): it accepts no transactions/);
        await assert.rejects(api.rpc.author.submitExtrinsic(tx), /read-only auditor node/);
        assert.equal((await api.rpc.author.pendingExtrinsics()).length, 0, 'nothing entered the pool');
        // Its Ethereum endpoint reads, and refuses a signed Ethereum transaction the same way.
        await until(() => jsonRpc(node.ethUrl, 'eth_chainId'), 120_000, 'the auditor\'s Ethereum endpoint');
        assert.equal(await jsonRpc(node.ethUrl, 'eth_chainId'), '0x414d');
        const wallet = ethers.Wallet.createRandom();
        const raw = await wallet.signTransaction({
          type: 2, chainId: 0x414d, nonce: 0, to: wallet.address, value: 0n, gasLimit: 21000n,
          maxFeePerGas: 10n ** 12n, maxPriorityFeePerGas: 0n,
        });
        await assert.rejects(jsonRpc(node.ethUrl, 'eth_sendRawTransaction', [raw]), /read-only auditor node/);
        // Reads are served: the council's well-known nodes, as the auditor's metrics count them.
        const wellKnown = (await api.query.nodeAuthorization.wellKnownNodes()).size;
        assert.ok(wellKnown >= 4, `the local spec's well-known nodes (${wellKnown})`);
        let text = '';
        await until(async () => metricValue(text = await scrapeMetrics(node.prometheusPort), 'alstranet_well_known_nodes') === wellKnown,
          60_000, 'alstranet_well_known_nodes');
        assert.equal(metricValue(text, 'alstranet_validators'), 4);
        // its random node key is not a well-known node: the node says it has no authorised peer
        assert.equal(metricValue(text, 'alstranet_node_authorized'), 0);
        await until(async () => metricValue(text = await scrapeMetrics(node.prometheusPort), 'alstranet_authorized_peers') === 0, 30_000, 'alstranet_authorized_peers');
        assert.equal(metricValue(text, 'alstranet_unauthorized_peers_connected'), 0);
      } finally {
        await api.disconnect();
      }
    } finally {
      await node.stop();
    }
  });
});

// A validator of a non-dev chain needs a persistent network key (operator step, see README).
function generateNodeKey(base) {
  const r = runNodeSync(['key', 'generate-node-key', '--chain', 'local', '--base-path', base]);
  assert.equal(r.status, 0, r.stderr);
}

describe('local validators and their session keys', () => {
  test('a validator started without its session keys says so in its log', async () => {
    const node = await startNode(['--chain', 'local', '--validator'], { name: 'nokeys', prepare: generateNodeKey });
    try {
      await node.waitForLog(MISSING_KEYS, 120_000);
      assert.match(node.log(), /key insert/, 'the log says how to insert the keys');
    } finally {
      await node.stop();
    }
  });

  test('a validator without its attestation key is told that it will not sign for L1', async () => {
    const insertKeys = (base) => {
      generateNodeKey(base);
      for (const [type, scheme] of [['aura', 'sr25519'], ['gran', 'ed25519']]) {
        const r = runNodeSync(['key', 'insert', '--chain', 'local', '--base-path', base,
          '--key-type', type, '--scheme', scheme, '--suri', '//Charlie']);
        assert.equal(r.status, 0, r.stderr);
      }
    };
    const node = await startNode(['--chain', 'local', '--validator'], { name: 'noattn', prepare: insertKeys });
    try {
      await node.waitForLog(/keystore holds no attn session key/, 120_000);
      assert.match(node.log(), /not sign rollup batches and committee handovers for L1/);
      assert.doesNotMatch(node.log(), /not author blocks|not vote on finality/, 'aura and gran are present');
    } finally {
      await node.stop();
    }
  });

  test('a validator whose keys were inserted as documented starts without the warning', async () => {
    const insertKeys = (base) => {
      generateNodeKey(base);
      for (const [type, scheme] of [['aura', 'sr25519'], ['gran', 'ed25519'], ['attn', 'ecdsa']]) {
        const r = runNodeSync(['key', 'insert', '--chain', 'local', '--base-path', base,
          '--key-type', type, '--scheme', scheme, '--suri', '//Bob']);
        assert.equal(r.status, 0, r.stderr);
      }
    };
    const node = await startNode(['--chain', 'local', '--validator'], { name: 'withkeys', prepare: insertKeys });
    try {
      // The informant prints "Idle" every few seconds once the service runs; the key check
      // happens before that.
      await node.waitForLog(/Idle|Syncing|Preparing/, 120_000);
      assert.doesNotMatch(node.log(), ANY_MISSING_KEY);
    } finally {
      await node.stop();
    }
  });
});
