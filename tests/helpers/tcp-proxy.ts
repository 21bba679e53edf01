import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A loopback TCP proxy in front of the agent whose line can be cut and
 * restored: the network between the extension's worker and the agent,
 * failing. The upgrade request's Host names the proxy, so it is rewritten
 * to the agent's (which checks it).
 */
export class CuttableProxy {
  port = 0;
  #server: Server | undefined;
  readonly #sockets = new Set<Socket>();
  #cut = false;

  constructor(readonly targetPort: number) {}

  async start(): Promise<this> {
    this.#server = createServer((client) => {
      if (this.#cut) {
        client.destroy();
        return;
      }
      const upstream = connect(this.targetPort, '127.0.0.1');
      for (const socket of [client, upstream]) {
        this.#sockets.add(socket);
        socket.on('close', () => this.#sockets.delete(socket));
        socket.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.once('data', (head: Buffer) => {
        upstream.write(
          Buffer.from(
            head
              .toString('latin1')
              .replace(`Host: 127.0.0.1:${this.port}`, `Host: 127.0.0.1:${this.targetPort}`),
            'latin1',
          ),
        );
        client.pipe(upstream);
      });
      upstream.pipe(client);
    });
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.#server!.address() as { port: number }).port;
    return this;
  }

  /** Drops every connection and refuses new ones. */
  cut(): void {
    this.#cut = true;
    for (const socket of this.#sockets) socket.destroy();
  }

  restore(): void {
    this.#cut = false;
  }

  async stop(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()) ?? resolve());
  }
}
