import { describe, expect, it } from 'vitest';
import {
  carriesMark,
  commandLine,
  isSessionClaude,
  parseProcNetTcp,
  previewsFrom,
  socketInode,
} from '../../../../agent/workspaces/previews.js';

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

describe('carriesMark', () => {
  it.each([
    ['PATH=/bin\0FF_WORKSPACE_ID=w1\0', 'w1', true],
    ['FF_WORKSPACE_ID=w10\0', 'w1', false],
    ['XFF_WORKSPACE_ID=w1\0', 'w1', false],
    ['', 'w1', false],
  ])('%j carries w1: %s', (environ, id, marked) => {
    expect(carriesMark(environ, id)).toBe(marked);
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
