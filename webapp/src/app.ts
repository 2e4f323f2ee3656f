// The page's state: the chain, the wallet, and who the connected account is on AlstraNet.
import { Chain, Config } from './chain';
import { Wallet } from './wallet';

export interface Me {
  account: string;
  /** registered participant's name, undefined when the account is not registered */
  name?: string;
  /** role ids it may play (ParticipantRegistry) */
  roles: string[];
}

export class App {
  readonly chain: Chain;
  readonly wallet: Wallet;
  me?: Me;

  constructor(config: Config) {
    this.chain = new Chain(config);
    this.wallet = new Wallet(this.chain);
  }

  /** Reads the connected account's participant record. */
  async loadMe(account: string): Promise<Me> {
    const registered: boolean = await this.chain.participants.isParticipant(account);
    if (!registered) return (this.me = { account, roles: [] });
    const [name, roles] = await this.chain.participants.participant(account);
    return (this.me = { account, name, roles: roles.map((r: string) => r.toLowerCase()) });
  }

  /** Registered participants: address, name, roles. */
  async participants(): Promise<{ account: string; name: string; roles: string[] }[]> {
    const n = Number(await this.chain.participants.participantCount());
    return Promise.all(Array.from({ length: n }, async (_, i) => {
      const account: string = await this.chain.participants.participantAt(i);
      const [name, roles] = await this.chain.participants.participant(account);
      return { account: account.toLowerCase(), name, roles: roles.map((r: string) => r.toLowerCase()) };
    }));
  }
}
