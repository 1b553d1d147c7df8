// A price quote (InquiryPriceCreateInstance) in currency units with its period, for the plan's fields and texts.
// The API quotes in `AmountUnit` "pent" (0.01 of `Currency`) or "microPent" (0.000001 pent); the raw quote is
// kept beside the converted amount.

import type { InquiryPriceCreateInstanceResponse } from "./api.js";
import { CloudError } from "./errors.js";

/** A quote as read from InquiryPriceCreateInstance, or why there is none. */
export interface Quote {
  amount?: number;
  currency?: string;
  unit?: string;
  error?: string;
}

/** Pay-as-you-go (BillingMode 0, Period 1) is quoted per hour, prepaid (BillingMode 1, Period 1) per month. */
export type Billing = "pay-as-you-go" | "prepaid";

/** One unit of `AmountUnit`, in units of the currency. */
const UNIT_IN_CURRENCY: Readonly<Record<string, number>> = { pent: 0.01, microPent: 0.000_000_01 };

export interface Price {
  /** In units of `currency` (CNY, USD), for one `per`. */
  amount: number;
  currency: string;
  per: "hour" | "month";
  /** The amount shown to people: at most 4 decimals. */
  shown: string;
}

/** The quote in currency units, or undefined when there is no amount or its unit is not a documented one. */
export function inCurrency(quote: Quote | undefined, billing: Billing = "pay-as-you-go"): Price | undefined {
  const factor = UNIT_IN_CURRENCY[quote?.unit ?? ""];
  if (quote?.amount === undefined || factor === undefined) return undefined;
  // 4 decimals of pent are 6 of the currency, 8 for microPent (a float product is rounded back to them)
  const amount = Number((quote.amount * factor).toFixed(quote.unit === "pent" ? 6 : 14));
  const shown = String(Number(amount.toFixed(4)));
  return { amount, currency: quote.currency || "CNY", per: billing === "prepaid" ? "month" : "hour", shown };
}

/** The plan's structured price: the amount in currency units and its period, and the API's own quote in `priceRaw`. */
export function priceField(quote: Quote, billing: Billing = "pay-as-you-go") {
  const price = inCurrency(quote, billing);
  const raw = quote.amount !== undefined ? { priceRaw: { amount: quote.amount, unit: quote.unit, currency: quote.currency } } : {};
  return {
    ...(price ? { amount: price.amount, currency: price.currency, per: price.per } : {}),
    text: priceText(quote, billing),
    ...raw,
    ...(quote.error ? { error: quote.error } : {}),
    billing,
  };
}

/** English, for the model: "0.9334 CNY per hour", or "not quoted (the reason)". */
export function priceText(quote: Quote | undefined, billing: Billing = "pay-as-you-go"): string {
  const price = inCurrency(quote, billing);
  if (price) return `${price.shown} ${price.currency} per ${price.per}`;
  if (quote?.amount !== undefined) return `${quote.amount} ${quote.unit ?? ""} ${quote.currency ?? ""} as quoted`.replace(/ +/g, " ");
  return `not quoted (${quote?.error ?? "unknown"})`;
}

/** In the texts' language (the plan's warning): the amount and its period, or that there is no quote. */
export function localPrice(
  quote: Quote | ReturnType<typeof priceField>,
  texts: { price(p: Pick<Price, "shown" | "currency" | "per">): string; priceUnknown: string },
): string {
  // the plan's field carries the API's quote in priceRaw
  const price = "billing" in quote ? inCurrency(quote.priceRaw, quote.billing) : inCurrency(quote);
  return price ? texts.price(price) : texts.priceUnknown;
}

/** InquiryPriceCreateInstance's answer as a quote: one that could not be had is shown (its error), not a refusal. */
export function quoted(
  answer: PromiseSettledResult<InquiryPriceCreateInstanceResponse | undefined>,
  signal: AbortSignal | undefined,
): Quote {
  if (answer.status === "fulfilled") {
    const p = answer.value;
    return { amount: p?.HighPrecisionPrice ?? p?.Price, currency: p?.Currency, unit: p?.AmountUnit };
  }
  const caught: unknown = answer.reason;
  if (signal?.aborted || !(caught instanceof CloudError)) throw caught;
  return { error: `${caught.code}: ${caught.message}` };
}
