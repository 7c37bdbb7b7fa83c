// The embedded broker's open sessions by client id, so the hub can close the sessions of a credential it disables
// (the broker checks credentials only at CONNECT). A standalone verge-broker does not get this: there a disabled
// credential is refused from its next CONNECT on.
import type { Aedes, Client } from "aedes";

export class BrokerSessions {
  private readonly clients = new Map<string, Client>();

  constructor(private readonly aedes: Aedes) {}

  start(): void {
    this.aedes.on("clientReady", (client) => this.clients.set(client.id, client));
    this.aedes.on("clientDisconnect", (client) => {
      if (this.clients.get(client.id) === client) this.clients.delete(client.id);
    });
  }

  /** Closes every session of a service username (client id `username` or `username:<anything>`); returns how many. */
  closeAll(username: string): number {
    let closed = 0;
    for (const [clientId, client] of this.clients) {
      if (clientId !== username && !clientId.startsWith(`${username}:`)) continue;
      client.close();
      this.clients.delete(clientId);
      closed++;
    }
    return closed;
  }
}
