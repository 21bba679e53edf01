import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlDir } from '../../../agent/remote/ssh-command.js';
import { readAgentFile } from '../../../agent/store/agent-file.js';
import { resolveHome } from '../../../agent/store/home.js';
import { isProcessAlive } from '../../../agent/store/instance-lock.js';
import type { RemoteView } from '../../../shared/protocol.js';
import { type AgentProcess, runCli, spawnAgent } from '../../helpers/agent-process.js';
import { type Sshd, sshdMissing, startSshd } from '../../helpers/sshd.js';
import { tempDir, waitFor } from '../../helpers/temp.js';

const missing = sshdMissing();
if (missing) console.warn(`Skipping the remote-host tests: ${missing}.`);

describe.skipIf(missing)('remote hosts over a real sshd on 127.0.0.1', () => {
  const dir = tempDir('ff-remote-');
  let sshd: Sshd;
  let local: AgentProcess;
  const localHome = `${dir.path}/local-home`;
  const cli = (...args: string[]) => runCli(['--home', localHome, ...args], {}, { timeoutMs: 60_000 });
  const list = async (): Promise<RemoteView[]> => {
    const result = await cli('remote', 'list', '--json');
    expect(result.stderr).toBe('');
    return JSON.parse(result.stdout) as RemoteView[];
  };

  beforeAll(async () => {
    sshd = await startSshd(dir.path);
    local = await spawnAgent(localHome);
  });
  afterAll(async () => {
    await local?.stop();
    await sshd?.close();
    dir.cleanup();
  });

  it('a host without ff says exactly what to install, and nothing is saved', async () => {
    renameSync(sshd.ffAgentBin, `${sshd.ffAgentBin}.away`);
    const result = await cli(...sshd.remoteAddArgs('bare')).finally(() =>
      renameSync(`${sshd.ffAgentBin}.away`, sshd.ffAgentBin),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/ff is not installed on bare .*npm install -g ff-agent/);
    expect(existsSync(`${localHome}/remotes.json`)).toBe(false);
  });

  it('add starts the stopped remote agent, pairs over ssh, survives a cut, and remove closes the master', async () => {
    const added = await cli(...sshd.remoteAddArgs('box'), '--json');
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    // The remote agent was stopped: add started it (serve --detach) and paired with it, no token typed.
    const remoteAgent = readAgentFile(resolveHome(sshd.remoteHome));
    expect(remoteAgent?.pid && isProcessAlive(remoteAgent.pid)).toBe(true);
    const saved = JSON.parse(readFileSync(`${localHome}/remotes.json`, 'utf8'));
    expect(saved.remotes[0]).toMatchObject({ name: 'box', token: remoteAgent?.token });
    expect(statSync(`${localHome}/remotes.json`).mode & 0o777).toBe(0o600);

    const [box] = await list();
    expect(box).toMatchObject({ name: 'box', state: 'connected', agentVersion: remoteAgent?.version });
    const probed = JSON.parse((await cli('remote', 'list', '--probe', '--json')).stdout) as RemoteView[];
    expect(probed[0]?.latencyMs).toBeGreaterThan(0);

    // doctor: ssh reachable, same version, a measured round trip.
    const doctor = JSON.parse((await cli('doctor', '--json')).stdout) as {
      checks: Array<{ name: string; status: string; detail: string }>;
    };
    expect(doctor.checks.find((c) => c.name === 'remote box')).toMatchObject({
      status: 'ok',
      detail: expect.stringMatching(/round trip [\d.]+ ms/),
    });

    // The network drops: unreachable, with since when.
    const before = Date.now();
    sshd.cutConnections();
    const down = await waitFor(async () => (await list()).find((r) => r.state === 'unreachable'), {
      timeoutMs: 20_000,
      intervalMs: 100,
      what: 'box to show as unreachable',
    });
    expect(Date.parse(down.since)).toBeGreaterThanOrEqual(before - 1000);
    expect(down.error).toMatch(/connection lost|ssh/);
    // …and back by itself after the backoff, through a new master.
    await waitFor(async () => (await list()).find((r) => r.state === 'connected'), {
      timeoutMs: 30_000,
      intervalMs: 250,
      what: 'box to reconnect',
    });

    const text = await cli('remote', 'list');
    expect(text.stdout).toMatch(/^box {2}root@127\.0\.0\.1:\d+ {2}connected/);

    // A restart of the local agent brings the tunnel up again from remotes.json.
    await local.stop();
    local = await spawnAgent(localHome);
    await waitFor(async () => (await list()).find((r) => r.state === 'connected'), {
      timeoutMs: 30_000,
      intervalMs: 250,
      what: 'box to connect after a restart',
    });

    const removed = await cli('remote', 'remove', 'box');
    expect(removed.code).toBe(0);
    const sockets = controlDir(localHome, 'box');
    expect(readdirSync(sockets).filter((f) => f.startsWith('box-'))).toEqual([]);
    expect(JSON.parse(readFileSync(`${localHome}/remotes.json`, 'utf8')).remotes).toEqual([]);
    expect(await list()).toEqual([]);
    // The remote agent keeps running: its sessions are not the laptop's to end.
    expect(remoteAgent?.pid && isProcessAlive(remoteAgent.pid)).toBe(true);
    // No ssh master of this home is left.
    expect(
      execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
        .split('\n')
        .filter((line) => line.includes(sockets) && line.startsWith('ssh')),
    ).toEqual([]);
  }, 90_000);
});
