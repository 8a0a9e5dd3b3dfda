//! The Tauri commands: each reads the UI's input (dto), makes one `app` call, and returns its plain
//! data or one `UiError`. Commands that write run as jobs on the till's store thread
//! (`app::Duka::till`), so no SQLite transaction or fsync runs on the async runtime's workers;
//! reads are short and stay here. A receipt prints after the sale's command has returned
//! (`print_receipt`, which the window repeats when the printer failed). build.rs finds every
//! `#[tauri::command]` here, in books.rs and main.rs: it registers them with tauri-build and
//! generates main.rs's handler list.

use tauri::State;

use crate::dto::{
    Cart, CartDraft, CreditNoteForm, CsvImport, DocumentQuery, IdQuery, ImportCount, ImportDecision, ItemForm,
    ItemSave, ItemSearch, NoticeQuery, PinQuery, PurchaseDecision, PurchaseForm, ReorderLevelForm, SaleQuery,
    StockAdjustment, TextQuery,
};
use crate::error::Result;
use app::handover::{HandOverPrinted, HandOverView, WaitView};
use app::queries::{Choices, ClassView, ItemRow, Quote, SaleDetail, StockMovementView, StockView};
use app::settings::{SettingsForm, SettingsView};
use app::views::{
    BuyerView, CreditNoteResult, DecisionResult, FeedPurchaseView, ImportView, ItemView, NoticeView, PurchaseResult,
    RefreshResult, SaleSummaryView, StockResult, SyncResult,
};
use app::{ChargeResult, DeviceSetup, DraftCartView, ParkedView, ProgressView, ReceiptPreview, StatusView};

/// What every command works on: the open shop. When the shop database could not be opened
/// (damaged, or from a newer Duka), every command answers with that reason, so the window explains
/// the recovery instead of the app vanishing.
#[derive(Debug)]
pub struct Shop {
    pub opened: Result<app::Duka>,
}

impl Shop {
    pub fn duka(&self) -> Result<&app::Duka> {
        self.opened.as_ref().map_err(Clone::clone)
    }
}

/// How many of the latest sales the Sales screen lists.
const SALES_SHOWN: usize = 200;
/// How many of an item's latest movements the Stock screen shows.
const MOVEMENTS_SHOWN: usize = 50;

#[tauri::command]
pub async fn shop_status(shop: State<'_, Shop>) -> Result<StatusView> {
    Ok(shop.duka()?.status_view().await?)
}

#[tauri::command]
pub async fn start_training(shop: State<'_, Shop>) -> Result<StatusView> {
    Ok(shop.duka()?.start_training_shop().await?)
}

#[tauri::command]
pub async fn connect_device(shop: State<'_, Shop>, input: DeviceSetup) -> Result<StatusView> {
    Ok(shop.duka()?.connect_device(input).await?)
}

#[tauri::command]
pub async fn item_choices(shop: State<'_, Shop>) -> Result<Choices> {
    Ok(shop.duka()?.code_choices()?)
}

#[tauri::command]
pub async fn find_items(shop: State<'_, Shop>, input: TextQuery) -> Result<Vec<ItemView>> {
    Ok(shop.duka()?.find_items(&input.text, input.limit)?)
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
pub async fn make_sale(shop: State<'_, Shop>, input: Cart) -> Result<ChargeResult> {
    let (cart, request) = input.into_charge()?;
    Ok(shop.duka()?.till().charge(cart, request).await?)
}

#[tauri::command]
pub async fn lookup_buyer(shop: State<'_, Shop>, input: PinQuery) -> Result<BuyerView> {
    Ok(shop.duka()?.lookup_buyer_pin(&input.pin).await?)
}

#[tauri::command]
pub async fn receipt_preview(shop: State<'_, Shop>, input: DocumentQuery) -> Result<ReceiptPreview> {
    Ok(shop.duka()?.receipt_preview(&app::DocumentNo(input.document), input.copy)?)
}

#[tauri::command]
pub async fn print_receipt(shop: State<'_, Shop>, input: DocumentQuery) -> Result<String> {
    Ok(shop.duka()?.print_receipt(&input.document, input.copy).await?)
}

/// After Charge: waits (up to the owner's bound, not at all with the line down) for KRA's
/// signature, so the receipt printed next is the signed one.
#[tauri::command]
pub async fn wait_for_signature(shop: State<'_, Shop>, input: DocumentQuery) -> Result<WaitView> {
    Ok(shop.duka()?.wait_for_signature(&input.document).await?)
}

#[tauri::command]
pub async fn receipts_to_hand_over(shop: State<'_, Shop>) -> Result<Vec<HandOverView>> {
    Ok(shop.duka()?.receipts_to_hand_over()?)
}

#[tauri::command]
pub async fn print_all_to_hand_over(shop: State<'_, Shop>) -> Result<HandOverPrinted> {
    Ok(shop.duka()?.print_all_to_hand_over().await?)
}

#[tauri::command]
pub async fn list_sales(shop: State<'_, Shop>) -> Result<Vec<SaleSummaryView>> {
    Ok(shop.duka()?.sales(SALES_SHOWN)?)
}

#[tauri::command]
pub async fn sale_detail(shop: State<'_, Shop>, input: SaleQuery) -> Result<SaleDetail> {
    Ok(shop.duka()?.sale_detail(input.sale_id)?)
}

#[tauri::command]
pub async fn issue_credit_note(shop: State<'_, Shop>, input: CreditNoteForm) -> Result<CreditNoteResult> {
    Ok(shop.duka()?.till().issue_credit_note(input.into_request()?).await?)
}

#[tauri::command]
pub async fn list_items(shop: State<'_, Shop>, input: ItemSearch) -> Result<Vec<ItemRow>> {
    Ok(shop.duka()?.item_rows(input.search.as_deref())?)
}

#[tauri::command]
pub async fn save_item(shop: State<'_, Shop>, input: ItemForm) -> Result<ItemView> {
    let till = shop.duka()?.till();
    Ok(match input.into_request()? {
        ItemSave::New(new) => till.register_item(new).await?,
        ItemSave::Change(code, change) => till.update_item(code, change).await?,
    })
}

#[tauri::command]
pub async fn search_classes(shop: State<'_, Shop>, input: TextQuery) -> Result<Vec<ClassView>> {
    Ok(shop.duka()?.search_classifications(&input.text)?)
}

/// Imports the Items screen's CSV file (Duka's own layout or a Xero/QuickBooks item list, all rows
/// or none); rows whose barcode is already registered are skipped.
#[tauri::command]
pub async fn import_items_csv(shop: State<'_, Shop>, input: CsvImport) -> Result<ImportCount> {
    Ok(shop.duka()?.till().import_items(input.csv, app::exchange::ImportDefaults::default()).await?.into())
}

#[tauri::command]
pub async fn stock_levels(shop: State<'_, Shop>) -> Result<Vec<StockView>> {
    Ok(shop.duka()?.stock_overview()?)
}

#[tauri::command]
pub async fn stock_movements(shop: State<'_, Shop>, input: TextQuery) -> Result<Vec<StockMovementView>> {
    Ok(shop.duka()?.stock_movements(&input.text, input.limit.unwrap_or(MOVEMENTS_SHOWN))?)
}

#[tauri::command]
pub async fn set_reorder_level(shop: State<'_, Shop>, input: ReorderLevelForm) -> Result<()> {
    let level = input.level()?;
    Ok(shop.duka()?.till().set_reorder_level(input.item, level).await?)
}

#[tauri::command]
pub async fn adjust_stock(shop: State<'_, Shop>, input: StockAdjustment) -> Result<StockResult> {
    let (kind, line) = input.into_request()?;
    Ok(shop.duka()?.till().adjust_stock(kind, vec![line]).await?)
}

#[tauri::command]
pub async fn list_purchases(shop: State<'_, Shop>) -> Result<Vec<FeedPurchaseView>> {
    Ok(shop.duka()?.purchases(false)?)
}

#[tauri::command]
pub async fn confirm_purchase(shop: State<'_, Shop>, input: PurchaseDecision) -> Result<PurchaseResult> {
    Ok(shop.duka()?.till().confirm_purchase(input.id, input.mappings()?).await?)
}

#[tauri::command]
pub async fn record_purchase(shop: State<'_, Shop>, input: PurchaseForm) -> Result<PurchaseResult> {
    Ok(shop.duka()?.till().record_purchase(input.into_request()?).await?)
}

#[tauri::command]
pub async fn reject_purchase(shop: State<'_, Shop>, input: IdQuery) -> Result<DecisionResult> {
    Ok(shop.duka()?.till().reject_purchase(input.id).await?)
}

#[tauri::command]
pub async fn list_imports(shop: State<'_, Shop>) -> Result<Vec<ImportView>> {
    Ok(shop.duka()?.imports(false)?)
}

#[tauri::command]
pub async fn accept_import(shop: State<'_, Shop>, input: ImportDecision) -> Result<DecisionResult> {
    let item = input.item()?;
    Ok(shop.duka()?.till().accept_import(input.id, item).await?)
}

#[tauri::command]
pub async fn reject_import(shop: State<'_, Shop>, input: IdQuery) -> Result<DecisionResult> {
    Ok(shop.duka()?.till().reject_import(input.id).await?)
}

#[tauri::command]
pub async fn sync_status(shop: State<'_, Shop>) -> Result<ProgressView> {
    Ok(shop.duka()?.sync_progress()?)
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
    Ok(shop.duka()?.parked_documents()?)
}

#[tauri::command]
pub async fn retry_parked(shop: State<'_, Shop>, input: IdQuery) -> Result<()> {
    Ok(shop.duka()?.till().retry_parked(input.id).await?)
}

#[tauri::command]
pub async fn list_notices(shop: State<'_, Shop>) -> Result<Vec<NoticeView>> {
    Ok(shop.duka()?.notices()?)
}

#[tauri::command]
pub async fn mark_notice_read(shop: State<'_, Shop>, input: NoticeQuery) -> Result<()> {
    Ok(shop.duka()?.till().mark_notice_read(input.notice_no).await?)
}

#[tauri::command]
pub async fn get_settings(shop: State<'_, Shop>) -> Result<SettingsView> {
    Ok(shop.duka()?.settings()?)
}

#[tauri::command]
pub async fn save_settings(shop: State<'_, Shop>, input: SettingsForm) -> Result<()> {
    Ok(shop.duka()?.till().save_settings(input).await?)
}

/// The draft cart lives in the shop database, so the sale's commit clears it: `false` when the
/// cart had been charged already (nothing kept).
#[tauri::command]
pub async fn save_cart(shop: State<'_, Shop>, input: CartDraft) -> Result<bool> {
    let cart = app::CartId::parse(&input.cart_id)?;
    Ok(shop.duka()?.till().save_cart(cart, input.cart).await?)
}

#[tauri::command]
pub async fn load_cart(shop: State<'_, Shop>) -> Result<Option<DraftCartView>> {
    Ok(shop.duka()?.till().load_cart().await?)
}
