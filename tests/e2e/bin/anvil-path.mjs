// Prints the path of the anvil binary installed by npm (@foundry-rs/anvil). Used by scripts/run.sh.
import { anvilBin } from '../lib/anvil.js';

console.log(anvilBin());
