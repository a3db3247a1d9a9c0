// A small shop for the end-to-end tests: its CSV files (../shared/bench/README.md), written at
// test time because their sales are dated relative to now (the dashboard reads the last 30
// days), and a product made through its form.
import fs from 'node:fs';
import path from 'node:path';

export const COMPANY = 'Harbour Goods';

/**
 * A small shop in the interchange format, its sales dated relative to now so that the window of
 * the last 30 days (what the dashboard reads) holds them. What each row is meant to show:
 *   MUG Main  5 on hand, 30 sold, threshold 20 (type)  -> alert, 30*5/30  = 5 days
 *   BOWL Main 9 on hand, 20 sold, threshold 15 (own)   -> alert, 30*9/20  = 13 days
 *   JUG Main 12 on hand,  6 sold, threshold 20 (type)  -> alert, 30*12/6  = 60 days
 *   CUP Main 50 on hand, 60 sold, threshold 10 (company) -> no alert, 30*50/60 = 25 days
 *   PLATE Back 40 on hand, 15 sold                     -> no alert, 80 days
 *   MUG Back (sold 40 days ago) and VASE (never sold)  -> not selling
 */
export function writeShop(dir) {
  const now = Date.now();
  const ago = (days) => new Date(now - days * 86_400_000 - 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const files = {
    'companies.csv': `id,name\n1,${COMPANY}\n`,
    'warehouses.csv': 'id,company_id,name\n1,1,Main\n2,1,Back\n',
    'product_types.csv': 'product_type,default_threshold\nstandard,20\n',
    'products.csv':
      'id,company_id,sku,name,price,product_type\n' +
      '1,1,MUG,Blue mug,12.50,standard\n' +
      '2,1,JUG,Water jug,20.00,standard\n' +
      '3,1,BOWL,Soup bowl,8.00,\n' +
      '4,1,PLATE,Dinner plate,9.50,standard\n' +
      '5,1,CUP,Espresso cup,4.00,\n' +
      '6,1,VASE,Tall vase,30.00,standard\n',
    'suppliers.csv': 'id,company_id,name,contact_email\n1,1,Potter,orders@potter.example\n',
    'product_suppliers.csv':
      'product_id,supplier_id,lead_time_days,unit_cost,is_preferred\n1,1,5,4.00,1\n2,1,7,9.00,0\n',
    'thresholds.csv': 'product_id,warehouse_id,threshold\n3,,15\n',
    'sales.csv':
      'id,product_id,warehouse_id,quantity,sold_at\n' +
      `1,1,2,3,${ago(40)}\n` +
      `2,1,1,10,${ago(9)}\n` +
      `3,4,2,15,${ago(6)}\n` +
      `4,1,1,10,${ago(5)}\n` +
      `5,3,1,20,${ago(4)}\n` +
      `6,2,1,6,${ago(3)}\n` +
      `7,1,1,10,${ago(2)}\n` +
      `8,5,1,60,${ago(1)}\n`,
    'inventory.csv':
      'product_id,warehouse_id,quantity\n1,1,5\n1,2,30\n2,1,12\n3,1,9\n4,2,40\n5,1,50\n6,1,3\n',
  };
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
}

/**
 * A product made through its form as a user does it: SKU, name, price, and optionally its
 * low-stock threshold and its opening stock in the warehouse Main; back on the list after.
 */
export async function addProduct(app, { sku, name, price, threshold, stock }) {
  await app.click('nav-products');
  await app.click('product-new');
  await app.el('product-form');
  await app.fill('product-sku', sku);
  await app.fill('product-name', name);
  await app.fill('product-price', price);
  if (threshold !== undefined) await app.fill('product-threshold', String(threshold));
  if (stock) {
    const qty = await app.session.waitForElement('[data-testid="product-stock-qty"][data-warehouse-name="Main"]');
    await qty.sendKeys(String(stock));
  }
  await app.click('product-save');
  await app.session.waitForGone('[data-testid="product-form"]');
  await app.session.waitForElement(`[data-testid="product-row"][data-sku="${sku}"]`);
}
