/*
 * cli_rx.h - what the `lifeboat rx` subcommands share (cmd_rx.c: check, cmd_rx_search.c, cmd_rx_orders.c).
 */
#ifndef LB_CLI_RX_H
#define LB_CLI_RX_H

#include "cli.h"
#include "rx/rx.h"

/* One master product as the JSON object of `rx search --json` and of `rx check --json`'s "drug". */
void cli_rx_drug_json(struct json_w *w, const struct ehr_drug *d);

int cmd_rx_search(int argc, char **argv); /* cmd_rx_search.c */
int cmd_rx_orders(int argc, char **argv); /* cmd_rx_orders.c */
int cmd_rx_end(int argc, char **argv);

#endif
