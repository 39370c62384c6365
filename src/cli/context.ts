// What cli.ts hands each command module (STYLE §8: one module per command): the configuration,
// with the command's --db on top, and the logger.
import { Option } from 'commander';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';

export interface CliContext {
  config(db?: string): Config;
  log(config: Config): Logger;
}

export const dbOption = () => new Option('--db <file>', 'registry database (default: LACAK_DB, else data/lacak.sqlite)');
