//! The Tauri commands: thin adapters that parse the UI's input (dto), call `app`, and return plain
//! data or one `UiError`. Every command here is listed in build.rs and granted in tauri.conf.json.

use tauri::State;

use crate::dto::{
    Cart, CartDraft, CreditNoteDone, CreditNoteForm, CsvImport, DeviceForm, DeviceView, DocumentQuery, IdQuery,
    ImportCount, ImportDecision, ItemForm, ItemSave, ItemSearch, NoticeQuery, ParkedView, PinQuery, ProgressView,
    PurchaseDecision, PurchaseForm, ReceiptPreview, ReorderLevelForm, SaleDone, SaleQuery, SettingsForm, SettingsView,
    StatusView, StockAdjustment, TextQuery,
};
use crate::error::{Result, UiError};
use crate::local::{DataDir, Printer};
use crate::{csv_items, events};
use app::queries::{Choices, ClassView, ItemRow, Quote, SaleDetail, StockMovementView, StockView};
use app::views::{
    BuyerView, DecisionResult, FeedPurchaseView, ImportView, ItemView, NoticeView, PurchaseResult, RefreshResult,
    SaleSummaryView, StockResult, SyncResult,
};

/// What every command works on: the open shop and its data folder. When the shop database could
/// not be opened (damaged, or from a newer Duka), every command answers with that reason, so the
/// window explains the recovery instead of the app vanishing.
#[derive(Debug)]
pub struct Shop {
    pub opened: Result<app::Duka>,
    pub data: DataDir,
}

impl Shop {
    pub fn duka(&self) -> Result<&app::Duka> {
        self.opened.as_ref().map_err(Clone::clone)
    }
}

const TRAINING_SHOP_NAME: &str = "Duka Training Shop";

async fn status_view(duka: &app::Duka) -> Result<StatusView> {
    Ok(StatusView { status: duka.status()?, training_kra_url: duka.training_admin_url().await })
}

#[tauri::command]
pub async fn shop_status(shop: State<'_, Shop>) -> Result<StatusView> {
    status_view(shop.duka()?).await
}

#[tauri::command]
pub async fn start_training(shop: State<'_, Shop>) -> Result<StatusView> {
    shop.duka()?.start_training(&app::TrainingRequest { shop_name: TRAINING_SHOP_NAME.into() }).await?;
    shop.duka()?.seed_demo_catalogue()?;
    status_view(shop.duka()?).await
}

#[tauri::command]
pub async fn connect_device(shop: State<'_, Shop>, input: DeviceForm) -> Result<StatusView> {
    match input.into_request()? {
        (_, Some(import)) => shop.duka()?.import_communication_key(&import).await?,
        (device, None) => shop.duka()?.initialise_device(&device).await?,
    };
    shop.duka()?.refresh().await?;
    status_view(shop.duka()?).await
}

#[tauri::command]
pub async fn item_choices(shop: State<'_, Shop>) -> Result<Choices> {
    Ok(shop.duka()?.code_choices()?)
}

#[tauri::command]
pub async fn find_items(shop: State<'_, Shop>, input: TextQuery) -> Result<Vec<ItemView>> {
    let mut items = shop.duka()?.items(Some(&input.text))?;
    items.retain(|i| i.active);
    items.truncate(input.limit.unwrap_or(20));
    Ok(items)
}

#[tauri::command]
pub async fn scan_item(shop: State<'_, Shop>, input: TextQuery) -> Result<ItemView> {
    Ok(shop.duka()?.scan_item(&input.text)?)
}

#[tauri::command]
pub async fn quote_sale(shop: State<'_, Shop>, input: Cart) -> Result<Quote> {
    Ok(shop.duka()?.quote_sale(&input.into_request()?)?)
}

#[tauri::command]
pub async fn make_sale(shop: State<'_, Shop>, input: Cart) -> Result<SaleDone> {
    let sale = shop.duka()?.make_sale(&input.into_request()?)?;
    let printed = print_after_commit(&shop, &sale.trader_no);
    Ok(SaleDone { sale, printed })
}

/// The sale is committed whatever the printer does: a printer problem is reported, never an error.
fn print_after_commit(shop: &Shop, document: &str) -> String {
    match shop.data.printer().and_then(|p| p.print(shop.duka()?, &shop.data, document, false)) {
        Ok(done) => done,
        Err(e) => format!("The sale is saved, but the receipt did not print: {} (use Print again)", e.message),
    }
}

#[tauri::command]
pub async fn lookup_buyer(shop: State<'_, Shop>, input: PinQuery) -> Result<BuyerView> {
    Ok(shop.duka()?.lookup_buyer_pin(&input.pin).await?)
}

#[tauri::command]
pub async fn receipt_preview(shop: State<'_, Shop>, input: DocumentQuery) -> Result<ReceiptPreview> {
    let doc = app::DocumentNo(input.document);
    let model = shop.duka()?.receipt_model(&doc, input.copy)?;
    let paper = shop.data.printer()?.paper()?;
    let paper = if paper == app::Paper::A4 { app::Paper::Roll80 } else { paper };
    Ok(ReceiptPreview {
        title: receipt::document_title(&model),
        signed: matches!(model.state, receipt::SignatureState::Signed(_)),
        text: printable(&receipt::render_text(&model, paper)?),
        svg: receipt::render_svg(&model, paper)?,
    })
}

/// The receipt crate's text dump marks each row with its print size and weight ("2B|TOTAL"); the
/// preview shows only what is printed.
fn printable(dump: &str) -> String {
    dump.lines()
        .map(|row| match row.split_once('|') {
            Some((marks, text)) if marks.len() <= 3 && marks.starts_with(|c: char| c.is_ascii_digit()) => text,
            _ => row,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[tauri::command]
pub async fn print_receipt(shop: State<'_, Shop>, input: DocumentQuery) -> Result<String> {
    shop.data.printer()?.print(shop.duka()?, &shop.data, &input.document, input.copy)
}

#[tauri::command]
pub async fn list_sales(shop: State<'_, Shop>) -> Result<Vec<SaleSummaryView>> {
    Ok(shop.duka()?.sales(200)?)
}

#[tauri::command]
pub async fn sale_detail(shop: State<'_, Shop>, input: SaleQuery) -> Result<SaleDetail> {
    Ok(shop.duka()?.sale_detail(input.sale_id)?)
}

#[tauri::command]
pub async fn issue_credit_note(shop: State<'_, Shop>, input: CreditNoteForm) -> Result<CreditNoteDone> {
    let note = shop.duka()?.issue_credit_note(&input.into_request()?)?;
    let printed = print_after_commit(&shop, &note.trader_no);
    Ok(CreditNoteDone { note, printed })
}

#[tauri::command]
pub async fn list_items(shop: State<'_, Shop>, input: ItemSearch) -> Result<Vec<ItemRow>> {
    Ok(shop.duka()?.item_rows(input.search.as_deref())?)
}

#[tauri::command]
pub async fn save_item(shop: State<'_, Shop>, input: ItemForm) -> Result<ItemView> {
    Ok(match input.into_request()? {
        ItemSave::New(new) => shop.duka()?.register_item(&new)?,
        ItemSave::Change(code, change) => shop.duka()?.update_item(&code, &change)?,
    })
}

#[tauri::command]
pub async fn search_classes(shop: State<'_, Shop>, input: TextQuery) -> Result<Vec<ClassView>> {
    Ok(shop.duka()?.search_classifications(&input.text)?)
}

#[tauri::command]
pub async fn import_items_csv(shop: State<'_, Shop>, input: CsvImport) -> Result<ImportCount> {
    csv_items::import(shop.duka()?, &input.csv)
}

#[tauri::command]
pub async fn stock_levels(shop: State<'_, Shop>) -> Result<Vec<StockView>> {
    Ok(shop.duka()?.stock_overview()?)
}

/// How many of an item's latest movements the Stock screen shows.
const MOVEMENTS_SHOWN: usize = 50;

#[tauri::command]
pub async fn stock_movements(shop: State<'_, Shop>, input: TextQuery) -> Result<Vec<StockMovementView>> {
    Ok(shop.duka()?.stock_movements(&input.text, input.limit.unwrap_or(MOVEMENTS_SHOWN))?)
}

#[tauri::command]
pub async fn set_reorder_level(shop: State<'_, Shop>, input: ReorderLevelForm) -> Result<()> {
    Ok(shop.duka()?.set_reorder_level(&input.item, input.level()?)?)
}

#[tauri::command]
pub async fn adjust_stock(shop: State<'_, Shop>, input: StockAdjustment) -> Result<StockResult> {
    let (kind, line) = input.into_request()?;
    Ok(shop.duka()?.adjust_stock(kind, &[line], None)?)
}

#[tauri::command]
pub async fn list_purchases(shop: State<'_, Shop>) -> Result<Vec<FeedPurchaseView>> {
    Ok(shop.duka()?.purchases(false)?)
}

#[tauri::command]
pub async fn confirm_purchase(shop: State<'_, Shop>, input: PurchaseDecision) -> Result<PurchaseResult> {
    Ok(shop.duka()?.confirm_purchase(input.id, &input.mappings()?)?)
}

#[tauri::command]
pub async fn record_purchase(shop: State<'_, Shop>, input: PurchaseForm) -> Result<PurchaseResult> {
    Ok(shop.duka()?.record_purchase(&input.into_request()?)?)
}

#[tauri::command]
pub async fn reject_purchase(shop: State<'_, Shop>, input: IdQuery) -> Result<DecisionResult> {
    Ok(shop.duka()?.reject_purchase(input.id)?)
}

#[tauri::command]
pub async fn list_imports(shop: State<'_, Shop>) -> Result<Vec<ImportView>> {
    Ok(shop.duka()?.imports(false)?)
}

#[tauri::command]
pub async fn accept_import(shop: State<'_, Shop>, input: ImportDecision) -> Result<DecisionResult> {
    let item = input.item.filter(|i| !i.trim().is_empty()).ok_or_else(|| {
        UiError::invalid(
            "Your item",
            "choose which of your items this import is (add it under Items first if it is new)",
        )
    })?;
    Ok(shop.duka()?.accept_import(input.id, &item, None)?)
}

#[tauri::command]
pub async fn reject_import(shop: State<'_, Shop>, input: IdQuery) -> Result<DecisionResult> {
    Ok(shop.duka()?.reject_import(input.id)?)
}

#[tauri::command]
pub async fn sync_status(shop: State<'_, Shop>) -> Result<ProgressView> {
    events::progress(shop.duka()?)
}

#[tauri::command]
pub async fn sync_now(shop: State<'_, Shop>) -> Result<SyncResult> {
    Ok(shop.duka()?.sync_now().await?)
}

#[tauri::command]
pub async fn refresh_lists(shop: State<'_, Shop>) -> Result<RefreshResult> {
    Ok(shop.duka()?.refresh().await?)
}

#[tauri::command]
pub async fn parked_documents(shop: State<'_, Shop>) -> Result<Vec<ParkedView>> {
    Ok(shop
        .duka()?
        .outbox(0)?
        .rows
        .into_iter()
        .filter(|r| r.state == "parked")
        .map(|r| {
            let (reason, fix) = ParkedView::split(r.last_error.as_deref());
            ParkedView { id: r.id, document: r.document, what: r.kind.replace('_', " "), reason, fix }
        })
        .collect())
}

#[tauri::command]
pub async fn retry_parked(shop: State<'_, Shop>, input: IdQuery) -> Result<()> {
    Ok(shop.duka()?.retry_parked(input.id)?)
}

#[tauri::command]
pub async fn list_notices(shop: State<'_, Shop>) -> Result<Vec<NoticeView>> {
    Ok(shop.duka()?.notices()?)
}

#[tauri::command]
pub async fn mark_notice_read(shop: State<'_, Shop>, input: NoticeQuery) -> Result<()> {
    Ok(shop.duka()?.mark_notice_read(input.notice_no)?)
}

#[tauri::command]
pub async fn get_settings(shop: State<'_, Shop>) -> Result<SettingsView> {
    let details = shop.duka()?.shop_details()?;
    let printer = shop.data.printer()?;
    let status = shop.duka()?.status()?;
    Ok(SettingsView {
        form: SettingsForm {
            name: details.as_ref().map(|d| d.name.clone()),
            address: details.as_ref().and_then(|d| d.address.clone()),
            phone: details.as_ref().and_then(|d| d.phone.clone()),
            email: details.as_ref().and_then(|d| d.email.clone()),
            footer: details.as_ref().and_then(|d| d.receipt_footer.clone()),
            printer_kind: Some(printer.kind),
            paper: Some(printer.paper),
            printer_target: printer.target,
            sell_beyond_stock: shop.duka()?.stock_policy()? == domain::StockPolicy::AllowNegative,
        },
        device: DeviceView {
            training: status.training,
            environment: status.environment,
            pin: status.pin,
            branch_id: status.branch_id,
            serial: status.serial,
            scu_id: status.scu_id,
            base_url: status.base_url,
            communication_key_masked: status.has_communication_key.then(|| "•••••••• (stored, never shown)".to_owned()),
        },
    })
}

#[tauri::command]
pub async fn save_settings(shop: State<'_, Shop>, input: SettingsForm) -> Result<()> {
    let printer = Printer::from_form(&input)?;
    shop.duka()?.set_shop_details(&app::ShopDetails {
        name: input.name.unwrap_or_default(),
        address: input.address,
        phone: input.phone,
        email: input.email,
        receipt_footer: input.footer,
    })?;
    let policy = if input.sell_beyond_stock { domain::StockPolicy::AllowNegative } else { domain::StockPolicy::Refuse };
    if shop.duka()?.stock_policy()? != policy {
        shop.duka()?.set_stock_policy(policy)?;
    }
    shop.data.save_printer(&printer)
}

#[tauri::command]
pub async fn save_cart(shop: State<'_, Shop>, input: CartDraft) -> Result<()> {
    shop.data.save_cart(&input.cart)
}

#[tauri::command]
pub async fn load_cart(shop: State<'_, Shop>) -> Result<Option<String>> {
    shop.data.load_cart()
}
