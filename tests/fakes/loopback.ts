import { once } from 'node:events';
import type { Server } from 'node:http';

/** Listens on 127.0.0.1 on a free port; resolves with the port. */
export async function listenOnLoopback(server: Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as { port: number }).port;
}

/** Closes the server and every connection still open on it (keep-alive included). */
export async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}
