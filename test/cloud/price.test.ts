// A quote in currency units with its period: pent and microPent converted, the raw quote kept, no guessing.
import { describe, expect, it } from "vitest";
import { inCurrency, localPrice, priceField, priceText } from "../../src/cloud/price.js";
import { enUS } from "../../src/i18n/en-US.js";
import { zhCN } from "../../src/i18n/zh-CN.js";
import { fixture } from "../helpers/fixture-cloud.js";

describe("prices in currency units", () => {
  it("the published example's 280.0224 pent (3 instances, pay-as-you-go) are 2.800224 CNY per hour", () => {
    const r = fixture("InquiryPriceCreateInstance").output.Response as Record<string, unknown>;
    const quote = { amount: r.HighPrecisionPrice as number, unit: r.AmountUnit as string, currency: r.Currency as string };
    expect(inCurrency(quote)).toEqual({ amount: 2.800224, currency: "CNY", per: "hour", shown: "2.8002" });
    expect(priceText(quote)).toBe("2.8002 CNY per hour");
    expect(priceField(quote)).toEqual({
      amount: 2.800224,
      currency: "CNY",
      per: "hour",
      text: "2.8002 CNY per hour",
      priceRaw: { amount: 280.0224, unit: "pent", currency: "CNY" },
      billing: "pay-as-you-go",
    });
  });

  it("microPent is a millionth of a pent; prepaid is per month", () => {
    expect(inCurrency({ amount: 93_340_800, unit: "microPent", currency: "CNY" })?.amount).toBe(0.933408);
    expect(priceText({ amount: 560_000, unit: "pent", currency: "CNY" }, "prepaid")).toBe("5600 CNY per month");
    expect(priceText({ amount: 12.5, unit: "pent", currency: "USD" })).toBe("0.125 USD per hour");
  });

  it("an unknown unit is not converted but shown as quoted; no amount says why", () => {
    expect(inCurrency({ amount: 5, unit: "cent", currency: "CNY" })).toBeUndefined();
    expect(priceText({ amount: 5, unit: "cent", currency: "CNY" })).toBe("5 cent CNY as quoted");
    expect(priceText({ error: "InternalError: down" })).toBe("not quoted (InternalError: down)");
    expect(priceField({ error: "InternalError: down" })).toEqual({
      text: "not quoted (InternalError: down)",
      error: "InternalError: down",
      billing: "pay-as-you-go",
    });
  });

  it("in the texts' language", () => {
    const quote = { amount: 93.3408, unit: "pent", currency: "CNY" };
    expect(localPrice(quote, enUS.clone)).toBe("0.9334 CNY per hour");
    expect(localPrice(quote, zhCN.clone)).toBe("报价每小时 0.9334 元");
    expect(localPrice({ error: "x" }, zhCN.clone)).toBe("未获得报价");
    // the plan's field (amount already in CNY) is shown from its raw quote, not converted twice
    expect(localPrice(priceField(quote), enUS.clone)).toBe("0.9334 CNY per hour");
    expect(localPrice(priceField({ error: "x" }), enUS.clone)).toBe("price not quoted");
  });
});
