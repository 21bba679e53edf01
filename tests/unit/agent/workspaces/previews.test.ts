import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  commandLine,
  findAllPreviews,
  isSessionClaude,
  parseProcNetTcp,
  previewsByWorkspace,
  previewsFrom,
  socketInode,
  workspaceMark,
} from '../../../../agent/workspaces/previews.js';
import { tempDir } from '../../../helpers/temp.js';

const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:4E20 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 41001 1 0000000000000000 100 0 0 10 0
   1: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 41002 1 0000000000000000 100 0 0 10 0
   2: 0100007F:4E20 0100007F:C350 01 00000000:00000000 00:00000000 00000000  1000        0 41003 1 0000000000000000 20 4 30 10 -1
   3: 0100007F:0BB8 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 0 1 0000000000000000 100 0 0 10 0
`;
const TCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000000000000:4E21 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 52001 1 0000000000000000 100 0 0 10 0
`;

describe('parseProcNetTcp', () => {
  it('keeps listening sockets with their port and inode; connections and inode 0 are not listeners', () => {
    expect(parseProcNetTcp(TCP)).toEqual([
      { inode: 41001, port: 20000 },
      { inode: 41002, port: 8080 },
    ]);
  });

  it('reads tcp6 the same way', () => {
    expect(parseProcNetTcp(TCP6)).toEqual([{ inode: 52001, port: 20001 }]);
  });

  it.each([[''], ['header only\n'], ['garbage line\n   0: x y z\n']])('%j has no listeners', (text) => {
    expect(parseProcNetTcp(text)).toEqual([]);
  });
});

describe('socketInode', () => {
  it.each([
    ['socket:[41001]', 41001],
    ['pipe:[41001]', undefined],
    ['/dev/null', undefined],
    ['socket:[]', undefined],
  ])('%s is %s', (link, inode) => {
    expect(socketInode(link)).toBe(inode);
  });
});

describe('workspaceMark', () => {
  it.each([
    ['PATH=/bin\0FF_WORKSPACE_ID=w1\0HOME=/h\0', 'w1'],
    ['FF_WORKSPACE_ID=w10\0', 'w10'],
    ['PATH=/bin\0FF_WORKSPACE_ID=w2', 'w2'],
    ['XFF_WORKSPACE_ID=w1\0', undefined],
    ['PATH=/bin\0XFF_WORKSPACE_ID=w1\0', undefined],
    ['FF_WORKSPACE_ID=\0', undefined],
    ['', undefined],
  ])('%j is marked %s', (environ, id) => {
    expect(workspaceMark(environ)).toBe(id);
  });
});

describe('previewsFrom', () => {
  const listeners = [
    { inode: 1, port: 20001 },
    { inode: 2, port: 20000 },
    { inode: 3, port: 20000 },
    { inode: 9, port: 5432 },
  ];

  it('one preview per port the processes listen on, lowest first, with who listens', () => {
    expect(
      previewsFrom(listeners, [
        { pid: 10, command: 'node server.js', inodes: [1, 2] },
        { pid: 11, command: 'node server.js', inodes: [3, 77] },
      ]),
    ).toEqual([
      { port: 20000, url: 'http://localhost:20000/', pid: 10, command: 'node server.js' },
      { port: 20001, url: 'http://localhost:20001/', pid: 10, command: 'node server.js' },
    ]);
  });

  it("a port no process of the workspace holds is not its preview (another program's database)", () => {
    expect(previewsFrom(listeners, [{ pid: 10, command: 'vim', inodes: [] }])).toEqual([]);
  });
});

describe('previewsByWorkspace', () => {
  const listeners = [
    { inode: 1, port: 20000 },
    { inode: 2, port: 20010 },
    { inode: 3, port: 20011 },
  ];

  it("groups each workspace's ports: one listener is one workspace's, never another's", () => {
    const found = previewsByWorkspace(listeners, [
      { workspaceId: 'w1', pid: 10, command: 'vite', inodes: [1] },
      { workspaceId: 'w2', pid: 20, command: 'next dev', inodes: [3] },
      { workspaceId: 'w2', pid: 21, command: 'node api.js', inodes: [2] },
      { workspaceId: 'w3', pid: 30, command: 'bash', inodes: [99] },
    ]);
    expect([...found.keys()].sort()).toEqual(['w1', 'w2']);
    expect(found.get('w1')?.map((p) => p.port)).toEqual([20000]);
    expect(found.get('w2')?.map((p) => [p.port, p.pid])).toEqual([
      [20010, 21],
      [20011, 20],
    ]);
  });

  it('no marked process: no workspace has previews', () => {
    expect(previewsByWorkspace(listeners, []).size).toBe(0);
  });
});

describe('findAllPreviews', () => {
  const dirs: Array<{ cleanup(): void }> = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) dir.cleanup();
  });

  /** A /proc of made-up processes: each with its environment, command line and socket links. */
  function fakeProc(
    tcp: string,
    processes: Record<number, { environ: string; cmdline: string; sockets: number[] }>,
  ) {
    const dir = tempDir();
    dirs.push(dir);
    mkdirSync(join(dir.path, 'net'));
    writeFileSync(join(dir.path, 'net', 'tcp'), tcp);
    for (const [pid, p] of Object.entries(processes)) {
      mkdirSync(join(dir.path, pid, 'fd'), { recursive: true });
      writeFileSync(join(dir.path, pid, 'environ'), p.environ);
      writeFileSync(join(dir.path, pid, 'cmdline'), p.cmdline);
      for (const [fd, inode] of p.sockets.entries())
        symlinkSync(`socket:[${inode}]`, join(dir.path, pid, 'fd', String(fd)));
    }
    return dir.path;
  }

  it("finds every workspace's previews in one walk, leaving out unmarked processes and a session's own claude", async () => {
    const proc = fakeProc(TCP, {
      100: { environ: 'FF_WORKSPACE_ID=w1\0', cmdline: 'node\0server.js\0', sockets: [41001] },
      200: { environ: 'HOME=/h\0', cmdline: 'postgres\0', sockets: [41002] },
      300: {
        environ: 'FF_WORKSPACE_ID=w2\0',
        cmdline: 'claude\0-p\0--input-format\0stream-json\0--output-format\0stream-json\0',
        sockets: [41002],
      },
    });
    const found = await findAllPreviews(proc);
    expect(Object.fromEntries(found)).toEqual({
      w1: [{ port: 20000, url: 'http://localhost:20000/', pid: 100, command: 'node server.js' }],
    });
  });

  it('nothing listening: no workspace has previews, whatever its processes hold', async () => {
    const proc = fakeProc(TCP.split('\n')[0]!, {
      100: { environ: 'FF_WORKSPACE_ID=w1\0', cmdline: 'node\0', sockets: [41001] },
    });
    expect((await findAllPreviews(proc)).size).toBe(0);
  });
});

describe('commandLine', () => {
  it.each([
    [['node', 'server.js', '--port', '20000', ''].join('\0'), 'node server.js --port 20000'],
    ['', ''],
  ])('%j reads %j', (cmdline, text) => {
    expect(commandLine(cmdline)).toBe(text);
  });

  it('shortens a very long one', () => {
    expect(commandLine('x'.repeat(500))).toHaveLength(200);
  });
});

describe('isSessionClaude', () => {
  it.each([
    ['claude\0-p\0--input-format\0stream-json\0--output-format\0stream-json\0--verbose', true],
    ['node\0/usr/lib/claude/cli.js\0-p\0--input-format\0stream-json\0--output-format\0stream-json', true],
    ['npm\0run\0dev', false],
    ['node\0server.js\0-p\x1800', false],
    ['claude\0--input-format\0text', false],
  ])('%j → %s (a session’s own claude listens for its sandbox, not for the app)', (cmdline, expected) => {
    expect(isSessionClaude(cmdline)).toBe(expected);
  });
});
