//! What a message about an event says, in English, Japanese and Chinese: the headline ("DLC
//! job nightly-train failed") and the facts in order of importance (the reason first, then
//! the new status, the resource's name and id, duration, who acted), read from the event's
//! `data` by the catalog's shape. Pure data and pure functions: how each target kind lays
//! the content out (markdown, email, SMS, voice, template variables) and how values are made
//! inert is the delivery's `render` module.
//!
//! The content is data, not code per type:
//! - the PAI types have a hand-written headline each ([`PAI_HEADLINES`]);
//! - the ~200 DataRobot types get theirs from the catalog title, split into a subject and an
//!   action or state ("Model replacement" + "failed", "Service health" + "green to yellow"),
//!   each found in a three-language table ([`SUBJECTS`], [`ACTIONS`], [`STATE_WORDS`]); a
//!   test proves every catalog title splits, so no language falls back to English;
//! - the facts are read by the same rules for every type ([`summarize`]).
//!
//! Values from the event are returned as they are (not escaped, not clipped): the renderer
//! owns both.

use crate::domain::catalog;
use crate::domain::lang::Lang;
use serde_json::Value;

/// What a fact is, with its label in each language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Label {
    Reason,
    Status,
    Health,
    Stage,
    /// The resource: its label is the entity's noun ("DLC job", "Deployment").
    Entity(&'static Noun),
    Model,
    Duration,
    By,
    Time,
    Workspace,
    EventType,
    Rule,
}

impl Label {
    /// The label in `lang`.
    pub fn text(self, lang: Lang) -> &'static str {
        lang.pick(match self {
            Label::Reason => ["Reason", "理由", "原因"],
            Label::Status => ["Status", "ステータス", "状态"],
            Label::Health => ["Health", "ヘルス", "健康状况"],
            Label::Stage => ["Stage", "ステージ", "阶段"],
            Label::Entity(noun) => noun.words,
            Label::Model => ["Model", "モデル", "模型"],
            Label::Duration => ["Duration", "所要時間", "耗时"],
            Label::By => ["By", "実行者", "操作人"],
            Label::Time => ["Time", "発生時刻", "时间"],
            Label::Workspace => ["Workspace", "ワークスペース", "工作空间"],
            Label::EventType => ["Event type", "イベントタイプ", "事件类型"],
            Label::Rule => ["Rule", "ルール", "规则"],
        })
    }
}

/// One fact: a label and the event's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    pub label: Label,
    pub value: String,
    /// The value is (or ends with) an id: a short form drops it rather than cut it.
    pub has_id: bool,
}

/// An entity object's noun, in each language.
#[derive(Debug, PartialEq, Eq)]
pub struct Noun {
    /// The key of the entity object in `data` (`job`, `deployment`, …).
    pub key: &'static str,
    pub words: [&'static str; 3],
}

/// The nouns of every entity object of the catalog ([`catalog::ENTITY_OBJECTS`]).
pub static NOUNS: &[Noun] = &[
    noun("job", ["DLC job", "DLC ジョブ", "DLC 任务"]),
    noun("task", ["Flow task", "Flow タスク", "Flow 任务"]),
    noun("instance", ["DSW instance", "DSW インスタンス", "DSW 实例"]),
    noun(
        "model_version",
        ["Model version", "モデルバージョン", "模型版本"],
    ),
    noun("deployment", ["Deployment", "デプロイ", "部署"]),
    noun("project", ["Project", "プロジェクト", "项目"]),
    noun("dataset", ["Dataset", "データセット", "数据集"]),
    noun(
        "batch_prediction",
        ["Batch prediction", "バッチ予測", "批量预测"],
    ),
    noun(
        "change_request",
        ["Change request", "変更リクエスト", "变更请求"],
    ),
    noun(
        "notebook_schedule",
        [
            "Notebook schedule",
            "ノートブックのスケジュール",
            "Notebook 调度",
        ],
    ),
    noun("moderation", ["Moderation", "モデレーション", "内容审核"]),
    noun("application", ["Application", "アプリケーション", "应用"]),
    noun(
        "users_delete",
        ["User deletion", "ユーザー削除", "用户删除"],
    ),
    noun(
        "secure_config",
        ["Secure configuration", "セキュア設定", "安全配置"],
    ),
    noun("comment", ["Comment", "コメント", "评论"]),
    noun("asset", ["Asset", "アセット", "资产"]),
    noun("notification", ["Notification", "通知", "通知"]),
    noun(
        "notification_policy_template",
        [
            "Notification policy template",
            "通知ポリシーテンプレート",
            "通知策略模板",
        ],
    ),
    noun(
        "notification_channel_template",
        [
            "Notification channel template",
            "通知チャネルテンプレート",
            "通知渠道模板",
        ],
    ),
    noun("user", ["User", "ユーザー", "用户"]),
];

const fn noun(key: &'static str, words: [&'static str; 3]) -> Noun {
    Noun { key, words }
}

/// The headline of each PAI type: `{name}` is the resource's name (or id), `{status}` the
/// new status in the reader's language.
pub static PAI_HEADLINES: &[(&str, [&str; 3])] = &[
    (
        "flow:Task:Failed",
        [
            "Flow task {name} failed",
            "Flow タスク {name} が失敗しました",
            "Flow 任务 {name} 失败",
        ],
    ),
    (
        "flow:Task:Completed",
        [
            "Flow task {name} completed: {status}",
            "Flow タスク {name} が終了しました：{status}",
            "Flow 任务 {name} 已结束：{status}",
        ],
    ),
    (
        "dlc:Job:Queued",
        [
            "DLC job {name} is queued",
            "DLC ジョブ {name} がキューに入りました",
            "DLC 任务 {name} 正在排队",
        ],
    ),
    (
        "dlc:Job:Bidding",
        [
            "DLC job {name} is bidding for resources",
            "DLC ジョブ {name} がリソースを入札中です",
            "DLC 任务 {name} 正在竞价资源",
        ],
    ),
    (
        "dlc:Job:EnvPreparing",
        [
            "DLC job {name} is preparing its environment",
            "DLC ジョブ {name} の環境を準備中です",
            "DLC 任务 {name} 正在准备环境",
        ],
    ),
    (
        "dlc:Job:Running",
        [
            "DLC job {name} is running",
            "DLC ジョブ {name} が実行中です",
            "DLC 任务 {name} 正在运行",
        ],
    ),
    (
        "dlc:Job:Succeeded",
        [
            "DLC job {name} succeeded",
            "DLC ジョブ {name} が成功しました",
            "DLC 任务 {name} 成功",
        ],
    ),
    (
        "dlc:Job:Failed",
        [
            "DLC job {name} failed",
            "DLC ジョブ {name} が失敗しました",
            "DLC 任务 {name} 失败",
        ],
    ),
    (
        "dlc:Job:FaultToleranceRestarted",
        [
            "DLC job {name} was restarted by fault tolerance",
            "DLC ジョブ {name} が自動フォールトトレランスにより再起動されました",
            "DLC 任务 {name} 已由自动容错重启",
        ],
    ),
    (
        "dlc:Job:QueueTimeout",
        [
            "DLC job {name} timed out in the queue",
            "DLC ジョブ {name} がキュー待ちでタイムアウトしました",
            "DLC 任务 {name} 排队超时",
        ],
    ),
    (
        "dlc:Job:EnvPreparingTimeout",
        [
            "DLC job {name} timed out preparing its environment",
            "DLC ジョブ {name} の環境準備がタイムアウトしました",
            "DLC 任务 {name} 环境准备超时",
        ],
    ),
    (
        "dlc:Job:RunTimeout",
        [
            "DLC job {name} ran past its time limit",
            "DLC ジョブ {name} が実行時間の上限を超えました",
            "DLC 任务 {name} 运行超时",
        ],
    ),
    (
        "dlc:Job:Preempted",
        [
            "DLC job {name} was preempted",
            "DLC ジョブ {name} がプリエンプトされました",
            "DLC 任务 {name} 被抢占",
        ],
    ),
    (
        "dlc:Job:Stopped",
        [
            "DLC job {name} was stopped",
            "DLC ジョブ {name} が停止されました",
            "DLC 任务 {name} 已被停止",
        ],
    ),
    (
        "model:ModelVersion:Approved",
        [
            "Model {name} was approved",
            "モデル {name} が承認されました",
            "模型 {name} 已批准",
        ],
    ),
    (
        "model:ModelVersion:StatusChanged",
        [
            "Model {name}: {status}",
            "モデル {name}：{status}",
            "模型 {name}：{status}",
        ],
    ),
    (
        "dsw:Instance:Creating",
        [
            "DSW instance {name} is being created",
            "DSW インスタンス {name} を作成中です",
            "DSW 实例 {name} 正在创建",
        ],
    ),
    (
        "dsw:Instance:Running",
        [
            "DSW instance {name} is running",
            "DSW インスタンス {name} が実行中です",
            "DSW 实例 {name} 正在运行",
        ],
    ),
    (
        "dsw:Instance:Failed",
        [
            "DSW instance {name} failed",
            "DSW インスタンス {name} が失敗しました",
            "DSW 实例 {name} 失败",
        ],
    ),
    (
        "dsw:Image:Saving",
        [
            "DSW instance {name} is saving an image",
            "DSW インスタンス {name} のイメージを保存中です",
            "DSW 实例 {name} 正在保存镜像",
        ],
    ),
    (
        "dsw:Image:Saved",
        [
            "DSW instance {name} saved an image",
            "DSW インスタンス {name} のイメージを保存しました",
            "DSW 实例 {name} 的镜像已保存",
        ],
    ),
    (
        "dsw:Image:SaveFailed",
        [
            "DSW instance {name} failed to save an image",
            "DSW インスタンス {name} のイメージ保存に失敗しました",
            "DSW 实例 {name} 的镜像保存失败",
        ],
    ),
    (
        "dsw:Instance:Stopping",
        [
            "DSW instance {name} is stopping",
            "DSW インスタンス {name} を停止中です",
            "DSW 实例 {name} 正在停止",
        ],
    ),
    (
        "dsw:Instance:Stopped",
        [
            "DSW instance {name} stopped",
            "DSW インスタンス {name} が停止しました",
            "DSW 实例 {name} 已停止",
        ],
    ),
];

/// What a DataRobot title's subject is called in each language (English as in the catalog
/// title, compared without case).
pub static SUBJECTS: &[[&str; 3]] = &[
    ["Dataset", "データセット", "数据集"],
    ["Datasets", "データセット", "数据集"],
    [
        "Dataset relationship",
        "データセットのリレーションシップ",
        "数据集关系",
    ],
    ["Model replacement", "モデル置換", "模型替换"],
    [
        "Model replacement validation",
        "モデル置換の検証",
        "模型替换校验",
    ],
    ["Service health", "サービスヘルス", "服务健康状况"],
    ["Data drift", "データドリフト", "数据漂移"],
    ["Accuracy", "精度", "准确率"],
    ["Fairness", "公平性", "公平性"],
    ["Custom metrics", "カスタム指標", "自定义指标"],
    ["Overall health", "総合ヘルス", "总体健康状况"],
    ["Predictions timeliness", "予測の適時性", "预测及时性"],
    ["Actuals timeliness", "実測値の適時性", "实际值及时性"],
    [
        "Retraining policy run",
        "再トレーニングポリシーの実行",
        "重新训练策略运行",
    ],
    [
        "Challenger scoring",
        "チャレンジャーのスコアリング",
        "挑战者模型评分",
    ],
    [
        "Challenger scoring data",
        "チャレンジャーのスコアリングデータ",
        "挑战者模型评分数据",
    ],
    [
        "Challenger model validation",
        "チャレンジャーモデルの検証",
        "挑战者模型校验",
    ],
    ["Challenger model", "チャレンジャーモデル", "挑战者模型"],
    ["Actuals upload", "実測値のアップロード", "实际值上传"],
    [
        "Training data baseline calculation",
        "トレーニングデータのベースライン計算",
        "训练数据基线计算",
    ],
    [
        "Training data baseline",
        "トレーニングデータのベースライン",
        "训练数据基线",
    ],
    [
        "Custom model deployment creation",
        "カスタムモデルのデプロイ作成",
        "自定义模型部署创建",
    ],
    [
        "Custom model deployment",
        "カスタムモデルのデプロイ",
        "自定义模型部署",
    ],
    [
        "Custom model deployment activation",
        "カスタムモデルのデプロイの有効化",
        "自定义模型部署激活",
    ],
    [
        "Custom model deployment deactivation",
        "カスタムモデルのデプロイの無効化",
        "自定义模型部署停用",
    ],
    [
        "Prediction explanations preview",
        "予測の説明のプレビュー",
        "预测解释预览",
    ],
    [
        "Prediction processing rate limit",
        "予測処理のレート制限",
        "预测处理速率限制",
    ],
    [
        "Prediction data processing rate limit",
        "予測データ処理のレート制限",
        "预测数据处理速率限制",
    ],
    [
        "Actuals processing rate limit",
        "実測値処理のレート制限",
        "实际值处理速率限制",
    ],
    ["Monitoring data", "モニタリングデータ", "监控数据"],
    ["Deployment launch", "デプロイの起動", "部署启动"],
    [
        "Deployment shutdown",
        "デプロイのシャットダウン",
        "部署关闭",
    ],
    ["Endpoint update", "エンドポイントの更新", "端点更新"],
    ["Scheduled report", "定期レポート", "定期报告"],
    [
        "Deployment inference server creation",
        "推論サーバーの作成",
        "推理服务器创建",
    ],
    ["Deployment inference server", "推論サーバー", "推理服务器"],
    [
        "Management agent health",
        "管理エージェントのヘルス",
        "管理代理健康状况",
    ],
    ["Predictions", "予測", "预测"],
    ["Prediction result rows", "予測結果の行", "预测结果行"],
    ["Batch", "バッチ", "批次"],
    ["Batch creation limit", "バッチ作成の上限", "批次创建上限"],
    [
        "Predictions encountered for locked batch",
        "ロックされたバッチへの予測",
        "锁定批次收到预测",
    ],
    [
        "Predictions encountered for deleted batch",
        "削除されたバッチへの予測",
        "已删除批次收到预测",
    ],
    ["Autopilot", "オートパイロット", "Autopilot"],
    [
        "Autopilot autostart",
        "オートパイロットの自動開始",
        "Autopilot 自动启动",
    ],
    ["Project", "プロジェクト", "项目"],
    [
        "Permanent project deletion",
        "プロジェクトの完全削除",
        "项目永久删除",
    ],
    ["Secure configuration", "セキュア設定", "安全配置"],
    ["Comment", "コメント", "评论"],
    ["Asset access", "アセットへのアクセス", "资产访问"],
    ["Webhook notification", "Webhook 通知", "Webhook 通知"],
    ["Email", "メール", "邮件"],
    ["Spooler channel", "スプーラーチャネル", "Spooler 通道"],
    ["External model NaN", "外部モデルの NaN", "外部模型 NaN"],
    ["Rate limit", "レート制限", "速率限制"],
    ["Deployment", "デプロイ", "部署"],
    ["Deployment model", "デプロイのモデル", "部署模型"],
    ["Prediction request", "予測リクエスト", "预测请求"],
    [
        "Notification policy template",
        "通知ポリシーテンプレート",
        "通知策略模板",
    ],
    [
        "Notification channel template",
        "通知チャネルテンプレート",
        "通知渠道模板",
    ],
    [
        "User deletion preview",
        "ユーザー削除のプレビュー",
        "用户删除预览",
    ],
    ["User deletion", "ユーザー削除", "用户删除"],
    ["Application", "アプリケーション", "应用"],
    ["Model version", "モデルバージョン", "模型版本"],
    ["Stage", "ステージ", "阶段"],
    ["Batch prediction job", "バッチ予測ジョブ", "批量预测任务"],
    [
        "Batch prediction schedule",
        "バッチ予測のスケジュール",
        "批量预测调度",
    ],
    ["Change request", "変更リクエスト", "变更请求"],
    ["Deployment approval", "デプロイの承認", "部署审批"],
    ["Proposed changes", "変更案", "变更提案"],
    ["Review comment", "レビューコメント", "评审意见"],
    ["Changes", "変更", "变更"],
    [
        "Notebook schedule",
        "ノートブックのスケジュール",
        "Notebook 调度",
    ],
    [
        "Scheduled notebook run",
        "ノートブックの定期実行",
        "Notebook 定时运行",
    ],
    [
        "Moderation metric creation",
        "モデレーション指標の作成",
        "审核指标创建",
    ],
    [
        "Moderation metric reporting",
        "モデレーション指標のレポート",
        "审核指标上报",
    ],
    ["Moderation", "モデレーション", "内容审核"],
    [
        "Pre-score moderation",
        "スコアリング前のモデレーション",
        "评分前审核",
    ],
    [
        "Post-score moderation",
        "スコアリング後のモデレーション",
        "评分后审核",
    ],
    ["Moderation configuration", "モデレーション設定", "审核配置"],
    ["Moderation runtime", "モデレーションの実行", "审核运行"],
    [
        "Moderated scoring",
        "モデレーション付きスコアリング",
        "带审核的评分",
    ],
];

/// A title's last words and what they say in each language: Japanese as a predicate joined
/// to its subject, Chinese as one after it.
pub static ACTIONS: &[[&str; 3]] = &[
    ["created", "が作成されました", "已创建"],
    ["deleted", "が削除されました", "已删除"],
    [
        "permanently deleted",
        "が完全に削除されました",
        "已永久删除",
    ],
    ["shared", "が共有されました", "已共享"],
    ["registered", "が登録されました", "已注册"],
    ["started", "が開始されました", "已开始"],
    ["succeeded", "が成功しました", "成功"],
    ["success", "が成功しました", "成功"],
    ["failed", "が失敗しました", "失败"],
    ["failure", "が失敗しました", "失败"],
    ["completed", "が完了しました", "已完成"],
    ["complete", "が完了しました", "已完成"],
    ["warning", "で警告が出ました", "出现警告"],
    ["error", "でエラーが発生しました", "出错"],
    [
        "lifecycle",
        "のライフサイクルが変わりました",
        "生命周期有变化",
    ],
    ["replaced", "が置き換えられました", "已被替换"],
    ["activated", "が有効化されました", "已激活"],
    ["deactivated", "が無効化されました", "已停用"],
    ["submitted", "が送信されました", "已提交"],
    ["reached", "に達しました", "已达到"],
    ["exceeded", "を超えました", "已超出"],
    ["cleared", "がクリアされました", "已清除"],
    ["generated", "が生成されました", "已生成"],
    ["deletion", "が削除されました", "已删除"],
    [
        "idle stopped",
        "がアイドルのため停止しました",
        "因空闲已停止",
    ],
    [
        "missing association ID",
        "に関連付け ID がありません",
        "缺少关联 ID",
    ],
    ["cleaned up", "がクリーンアップされました", "已清理"],
    ["not found", "が見つかりません", "未找到"],
    ["updated", "が更新されました", "已更新"],
    ["requested", "がリクエストされました", "已请求"],
    ["re-sent", "が再送されました", "已重发"],
    ["verification", "の確認", "验证"],
    ["event", "のイベント", "事件"],
    ["recovered", "が回復しました", "已恢复"],
    ["predictions", "の予測", "预测"],
    ["enforced", "が適用されました", "已生效"],
    ["information", "の情報", "信息"],
    ["disabled", "が無効になりました", "已停用"],
    ["cancelled", "がキャンセルされました", "已取消"],
    ["resolved", "が解決されました", "已解决"],
    ["pending", "が保留中です", "待处理"],
    ["added", "が追加されました", "已添加"],
    ["approved", "が承認されました", "已批准"],
    ["", "", ""],
];

/// Words of a state after a colon ("green to yellow", "still red", "staging to production").
pub static STATE_WORDS: &[[&str; 3]] = &[
    ["green", "緑", "绿"],
    ["yellow", "黄", "黄"],
    ["red", "赤", "红"],
    ["unknown", "不明", "未知"],
    ["still", "引き続き", "仍为"],
    ["registered", "登録済み", "已注册"],
    ["development", "開発", "开发"],
    ["staging", "ステージング", "预发布"],
    ["production", "本番", "生产"],
    ["archived", "アーカイブ済み", "已归档"],
];

/// Status values and what they are called in each language (compared without case).
static STATUS_WORDS: &[[&str; 3]] = &[
    ["Approved", "承認済み", "已批准"],
    ["Rejected", "却下", "已拒绝"],
    ["Pending", "保留中", "待审批"],
    ["Failed", "失敗", "失败"],
    ["Succeeded", "成功", "成功"],
    ["Running", "実行中", "运行中"],
    ["Queuing", "キュー待ち", "排队中"],
    ["Bidding", "入札中", "竞价中"],
    ["EnvPreparing", "環境準備中", "环境准备中"],
    ["Stopped", "停止済み", "已停止"],
    ["Stopping", "停止中", "停止中"],
    ["Creating", "作成中", "创建中"],
    ["Saving", "保存中", "保存中"],
    ["Saved", "保存済み", "已保存"],
    ["SaveFailed", "保存失敗", "保存失败"],
    ["active", "有効", "活跃"],
    ["archived", "アーカイブ済み", "已归档"],
];

/// A status value in `lang` (as received when unknown).
pub fn status_word(value: &str, lang: Lang) -> String {
    STATUS_WORDS
        .iter()
        .chain(STATE_WORDS)
        .find(|w| w[0].eq_ignore_ascii_case(value))
        .map(|w| lang.pick(*w).to_string())
        .unwrap_or_else(|| value.to_string())
}

/// The resource an event is about, as its `data` names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    pub noun: &'static Noun,
    pub name: Option<String>,
    pub id: Option<String>,
}

impl Resource {
    /// "nightly-train (dlc1f9…)", the name alone, or the id alone.
    pub fn named(&self) -> String {
        match (&self.name, &self.id) {
            (Some(n), Some(i)) if n != i => format!("{n} ({i})"),
            (Some(n), _) => n.clone(),
            (None, Some(i)) => i.clone(),
            (None, None) => String::new(),
        }
    }

    /// What a headline calls it: the name, else the id.
    pub fn short(&self) -> String {
        self.name
            .clone()
            .or_else(|| self.id.clone())
            .unwrap_or_default()
    }
}

fn text_at<'a>(object: &'a Value, key: &str) -> Option<&'a str> {
    object
        .get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
}

/// The resource of `data`: the first entity object of the catalog's list, its name (a
/// `label`, `name`, `project_name`, `original_name`, or a model's name and version) and its
/// id (`id`, `<object>_id`, else the event's `entity_id`).
pub fn resource(data: &Value) -> Option<Resource> {
    let noun = NOUNS
        .iter()
        .find(|n| data.get(n.key).is_some_and(Value::is_object))?;
    let entity = &data[noun.key];
    let model = match (
        text_at(entity, "model_name"),
        text_at(entity, "version_name"),
    ) {
        (Some(m), Some(v)) => Some(format!("{m} {v}")),
        (Some(m), None) => Some(m.to_string()),
        _ => None,
    };
    let name = ["label", "name", "project_name", "original_name"]
        .iter()
        .find_map(|k| text_at(entity, k).map(str::to_string))
        .or(model);
    let own_id = format!("{}_id", noun.key);
    let id = text_at(entity, "id")
        .or_else(|| text_at(entity, &own_id))
        .or_else(|| text_at(&data["event"], "entity_id"))
        .map(str::to_string);
    Some(Resource { noun, name, id })
}

/// Everything a message says about one event, in one language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// What happened to what: "DLC job nightly-train failed".
    pub headline: String,
    /// The headline without the resource's name, for where space is short: "DLC job
    /// failed" (the same as `headline` for types whose headline needs the name).
    pub bare_headline: String,
    /// In order of importance: reason, status (or health, stage), the resource, model,
    /// duration, who acted.
    pub facts: Vec<Fact>,
}

impl Summary {
    /// What a short form keeps after the headline: the first fact (the reason when there
    /// is one, else the status).
    pub fn key_fact(&self) -> Option<&Fact> {
        self.facts.first().filter(|f| {
            matches!(
                f.label,
                Label::Reason | Label::Status | Label::Health | Label::Stage
            )
        })
    }
}

/// The summary of an event of `event_type` from `source` with `data`, in `lang`. Unknown
/// types get a headline from the type itself and the same facts.
pub fn summarize(source: &str, event_type: &str, data: &Value, lang: Lang) -> Summary {
    // An aliased event is told as its catalog entry; one the catalog does not know, by its
    // type as sent.
    let (source, event_type) = match catalog::resolve(source, event_type) {
        Some((source, entry)) => (source.id, entry.type_id),
        None => (source, event_type),
    };
    let resource = resource(data);
    let facts = facts(data, resource.as_ref(), lang);
    let status = new_status(data)
        .map(|s| status_word(&s, lang))
        .unwrap_or_default();
    let name = resource.as_ref().map(Resource::short).unwrap_or_default();
    let fill = |template: &str, name: &str| {
        let text = template.replace("{status}", &status);
        if !name.is_empty() {
            return text.replace("{name}", name);
        }
        // Without a name, no gap where it was: "DLC job failed", "DLC ジョブが失敗しました".
        let mut text = text.replace(" {name}", "");
        for (gap, joined) in [(" が", "が"), (" の", "の"), (" を", "を"), (" ：", "：")] {
            text = text.replace(gap, joined);
        }
        text
    };
    if let Some((_, texts)) = PAI_HEADLINES.iter().find(|(t, _)| *t == event_type) {
        let template = lang.pick(*texts);
        return Summary {
            headline: fill(template, &name),
            bare_headline: fill(template, ""),
            facts,
        };
    }
    let title = catalog::event_type(source, event_type)
        .map(|t| t.title)
        .filter(|_| !event_type.is_empty());
    let phrase = title.and_then(|t| title_phrase(t, lang));
    let headline = match (&resource, phrase) {
        (Some(r), Some(p)) => join_headline(lang.pick(r.noun.words), &name, &p, lang),
        (None, Some(p)) => p.text,
        (Some(r), None) => join_headline(
            lang.pick(r.noun.words),
            &name,
            &Phrase::plain(event_type),
            lang,
        ),
        (None, None) => event_type.to_string(),
    };
    let bare_headline = match (&resource, title.and_then(|t| title_phrase(t, lang))) {
        (_, Some(p)) => p.text,
        (Some(r), None) => join_headline(
            lang.pick(r.noun.words),
            "",
            &Phrase::plain(event_type),
            lang,
        ),
        (None, None) => event_type.to_string(),
    };
    Summary {
        headline,
        bare_headline,
        facts,
    }
}

/// A title in a language: its text, and whether its subject is the resource's own noun
/// (then the headline says "Project X created", not "Project X: Project created").
struct Phrase {
    text: String,
    /// The action alone ("created", "が作成されました"), when the subject is the noun.
    own: Option<String>,
    subject_en: String,
}

impl Phrase {
    fn plain(text: &str) -> Phrase {
        Phrase {
            text: text.to_string(),
            own: None,
            subject_en: String::new(),
        }
    }
}

fn join_headline(noun: &str, name: &str, phrase: &Phrase, lang: Lang) -> String {
    let named = if name.is_empty() {
        noun.to_string()
    } else {
        format!("{noun} {name}")
    };
    let same_noun = NOUNS
        .iter()
        .any(|n| n.words[0].eq_ignore_ascii_case(&phrase.subject_en) && lang.pick(n.words) == noun);
    match (&phrase.own, same_noun) {
        (Some(action), true) => format!("{named} {action}"),
        _ => match lang {
            Lang::En => format!("{named}: {}", phrase.text),
            Lang::Ja | Lang::Zh => format!("{named}：{}", phrase.text),
        },
    }
}

/// A catalog title in `lang`: "Subject: state" or "Subject action", each part from its
/// table; `None` when a part is not in the tables (a test keeps that from happening).
fn title_phrase(title: &str, lang: Lang) -> Option<Phrase> {
    let subject_of = |s: &str| {
        SUBJECTS
            .iter()
            .find(|w| w[0].eq_ignore_ascii_case(s.trim()))
    };
    if let Some((subject, state)) = title.split_once(": ") {
        let words = subject_of(subject)?;
        let state = state_phrase(state, lang)?;
        let text = match lang {
            Lang::En => format!("{} {state}", words[0]),
            Lang::Ja | Lang::Zh => format!("{} {state}", lang.pick(*words)),
        };
        return Some(Phrase {
            text,
            own: None,
            subject_en: words[0].to_string(),
        });
    }
    // The longest action that ends the title, with a subject in the table before it.
    let mut best: Option<(&[&str; 3], &[&str; 3])> = None;
    for action in ACTIONS {
        let Some(subject) = strip_suffix_words(title, action[0]) else {
            continue;
        };
        if let Some(words) = subject_of(subject) {
            if best.is_none_or(|(a, _)| a[0].len() < action[0].len()) {
                best = Some((action, words));
            }
        }
    }
    let (action, subject) = best?;
    let (text, own) = match lang {
        Lang::En => (title.to_string(), action[0].to_string()),
        Lang::Ja => (
            format!("{}{}", subject[1], action[1]),
            action[1].to_string(),
        ),
        Lang::Zh => {
            // A space only between Latin and Chinese ("Autopilot 已完成", "模型替换失败").
            let latin_end = subject[2].ends_with(|c: char| c.is_ascii_alphanumeric());
            let sep = if action[2].is_empty() || !latin_end {
                ""
            } else {
                " "
            };
            (
                format!("{}{sep}{}", subject[2], action[2]),
                action[2].to_string(),
            )
        }
    };
    Some(Phrase {
        text,
        own: (!action[0].is_empty()).then_some(own),
        subject_en: subject[0].to_string(),
    })
}

/// `title` without `words` at its end (a whole-word match, without case); the whole title
/// for empty `words`.
fn strip_suffix_words<'a>(title: &'a str, words: &str) -> Option<&'a str> {
    if words.is_empty() {
        return Some(title);
    }
    let lower = title.to_lowercase();
    let rest = lower.strip_suffix(&words.to_lowercase())?;
    let rest = rest.strip_suffix(' ')?;
    Some(&title[..rest.len()])
}

/// "green to yellow" as "green → yellow" (or 緑 → 黄), "still red" as "still red" (引き続き赤).
fn state_phrase(state: &str, lang: Lang) -> Option<String> {
    let word = |w: &str| {
        STATE_WORDS
            .iter()
            .find(|s| s[0].eq_ignore_ascii_case(w))
            .map(|s| lang.pick(*s))
    };
    if let Some((from, to)) = state.split_once(" to ") {
        return Some(format!("{} → {}", word(from)?, word(to)?));
    }
    let words: Vec<&str> = state.split(' ').map(word).collect::<Option<Vec<&str>>>()?;
    Some(match lang {
        Lang::En => words.join(" "),
        Lang::Ja | Lang::Zh => words.concat(),
    })
}

/// The new status of the event, if it says one.
fn new_status(data: &Value) -> Option<String> {
    let entity = NOUNS
        .iter()
        .find_map(|n| data.get(n.key).filter(|v| v.is_object()));
    let image = entity.map(|e| &e["image"]).filter(|i| i.is_object());
    [
        entity.and_then(|e| text_at(e, "approval_status")),
        text_at(&data["event"], "status"),
        image.and_then(|i| text_at(i, "status")),
        entity.and_then(|e| text_at(e, "status")),
    ]
    .into_iter()
    .flatten()
    .next()
    .map(str::to_string)
}

/// The event's facts in order of importance.
fn facts(data: &Value, resource: Option<&Resource>, lang: Lang) -> Vec<Fact> {
    let event = &data["event"];
    let entity = resource.map(|r| &data[r.noun.key]).unwrap_or(&Value::Null);
    let image = &entity["image"];
    let fact = |label, value: String, has_id| Fact {
        label,
        value,
        has_id,
    };
    let mut out = Vec::new();
    // Why: the reason or error message, with the failed node of a pipeline.
    let reason = [
        text_at(entity, "reason_message"),
        text_at(entity, "error_message"),
        text_at(image, "reason_message"),
        text_at(event, "error_message"),
        text_at(entity, "restart_reason"),
        text_at(entity, "stop_reason"),
        text_at(entity, "comment"),
        text_at(event, "reason"),
    ]
    .into_iter()
    .flatten()
    .next();
    if let Some(reason) = reason {
        let value = match text_at(entity, "failed_node") {
            Some(node) => format!("{node}: {reason}"),
            None => reason.to_string(),
        };
        out.push(fact(Label::Reason, value, false));
    }
    // What changed: health, stage, or status (with the previous one when known).
    let health = &event["health"];
    if let (Some(prev), Some(cur)) = (text_at(health, "previous"), text_at(health, "current")) {
        out.push(fact(
            Label::Health,
            format!("{} → {}", status_word(prev, lang), status_word(cur, lang)),
            false,
        ));
    } else if let (Some(prev), Some(cur)) =
        (text_at(event, "previous_stage"), text_at(entity, "stage"))
    {
        out.push(fact(
            Label::Stage,
            format!("{} → {}", status_word(prev, lang), status_word(cur, lang)),
            false,
        ));
    } else if let Some(status) = new_status(data) {
        let value = match text_at(event, "previous_status") {
            Some(prev) if prev != status => {
                format!(
                    "{} → {}",
                    status_word(prev, lang),
                    status_word(&status, lang)
                )
            }
            _ => status_word(&status, lang),
        };
        out.push(fact(Label::Status, value, false));
    }
    if let Some(r) = resource {
        let named = r.named();
        if !named.is_empty() {
            out.push(fact(Label::Entity(r.noun), named, r.id.is_some()));
        }
    }
    if let Some(model) = text_at(event, "model_id").or_else(|| {
        (resource.map(|r| r.noun.key) == Some("deployment"))
            .then(|| text_at(entity, "model_id"))
            .flatten()
    }) {
        out.push(fact(Label::Model, model.to_string(), true));
    }
    if let Some(seconds) = ["duration_seconds", "running_seconds", "waited_seconds"]
        .iter()
        .find_map(|k| entity[*k].as_i64())
    {
        out.push(fact(Label::Duration, duration(seconds, lang), false));
    }
    if let Some(by) = [
        text_at(event, "performer_uid"),
        text_at(event, "deleted_by"),
        text_at(entity, "stopped_by"),
        text_at(entity, "approved_by"),
        text_at(entity, "requested_by"),
    ]
    .into_iter()
    .flatten()
    .next()
    {
        out.push(fact(Label::By, by.to_string(), true));
    }
    out
}

/// A duration in words: "1h 12m 45s", "1時間12分45秒", "1小时12分45秒".
pub fn duration(seconds: i64, lang: Lang) -> String {
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    let [hu, mu, su] = lang.pick([
        ["h ", "m ", "s"],
        ["時間", "分", "秒"],
        ["小时", "分", "秒"],
    ]);
    let mut out = String::new();
    if h > 0 {
        out.push_str(&format!("{h}{hu}"));
    }
    if h > 0 || m > 0 {
        out.push_str(&format!("{m}{mu}"));
    }
    out.push_str(&format!("{s}{su}"));
    out
}

/// Herald's own words in messages, in each language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Words {
    /// The first words of every test message.
    TestMark,
    OpenInHerald,
    Open,
    /// "{n} events"
    Events,
    /// "in" before a workspace ("3 events in vision").
    In,
    /// The voice call's opening.
    VoiceOpening,
    TestLine1,
    TestLine2,
    TestTitle,
    At,
    /// Before why a rule's message template failed for an event.
    TemplateFailed,
}

impl Words {
    pub fn text(self, lang: Lang) -> &'static str {
        lang.pick(match self {
            Words::TestMark => ["[TEST]", "【テスト】", "【测试】"],
            Words::OpenInHerald => ["Open in Herald", "Herald で開く", "在 Herald 中打开"],
            Words::Open => ["open", "開く", "打开"],
            Words::Events => ["{n} events", "{n} 件のイベント", "{n} 个事件"],
            Words::In => ["in", "ワークスペース", "工作空间"],
            Words::VoiceOpening => ["Herald alert", "Herald からのお知らせです", "Herald 通知"],
            Words::TestLine1 => [
                "This is a test message from Herald for workspace {workspace}.",
                "これはワークスペース {workspace} の Herald からのテストメッセージです。",
                "这是 Herald 为工作空间 {workspace} 发送的测试消息。",
            ],
            Words::TestLine2 => [
                "If you can read it, this target is set up correctly. No event happened.",
                "このメッセージが届いていれば、送信先は正しく設定されています。イベントは発生していません。",
                "如果您能看到这条消息，说明该目标配置正确。没有发生任何事件。",
            ],
            Words::TestTitle => ["Test message", "テストメッセージ", "测试消息"],
            Words::At => ["at", "発生", "发生于"],
            Words::TemplateFailed => [
                "The rule's message template failed, so Herald sent its own message",
                "ルールのメッセージテンプレートが失敗したため、Herald 標準のメッセージを送信しました",
                "规则的消息模板出错，因此发送了 Herald 的默认消息",
            ],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn all_types() -> impl Iterator<Item = (&'static catalog::Source, &'static catalog::EventType)>
    {
        catalog::sources()
            .iter()
            .flat_map(|s| s.types().map(move |t| (s, t)))
    }

    #[test]
    fn every_entity_object_of_the_catalog_has_a_noun() {
        for key in catalog::ENTITY_OBJECTS {
            assert!(NOUNS.iter().any(|n| n.key == *key), "{key}");
        }
    }

    #[test]
    fn every_catalog_title_has_words_in_every_language() {
        for (source, t) in all_types() {
            if source.is_datarobot() {
                for lang in Lang::ALL {
                    assert!(
                        title_phrase(t.title, lang).is_some(),
                        "{}: {:?} in {lang}",
                        t.type_id,
                        t.title
                    );
                }
            } else {
                assert!(
                    PAI_HEADLINES.iter().any(|(id, _)| *id == t.type_id),
                    "{}",
                    t.type_id
                );
            }
        }
    }

    #[test]
    fn japanese_and_chinese_headlines_keep_no_english_words_but_names() {
        for (source, t) in all_types() {
            let data = t.sample_data();
            let name = resource(&data).map(|r| r.short()).unwrap_or_default();
            for lang in [Lang::Ja, Lang::Zh] {
                let h = summarize(source.id, t.type_id, &data, lang).headline;
                let rest = h.replace(&name, "");
                let english = rest
                    .split(|c: char| !c.is_ascii_alphabetic())
                    .filter(|w| w.len() > 3)
                    .filter(|w| {
                        ![
                            "Flow",
                            "Herald",
                            "Webhook",
                            "Autopilot",
                            "Notebook",
                            "Spooler",
                        ]
                        .contains(w)
                    })
                    .collect::<Vec<_>>();
                assert!(
                    english.is_empty(),
                    "{} in {lang}: {h:?} {english:?}",
                    t.type_id
                );
            }
        }
    }

    fn summary(source: &str, type_id: &str, lang: Lang) -> Summary {
        let t = catalog::event_type(source, type_id).unwrap();
        summarize(source, type_id, &t.sample_data(), lang)
    }

    #[test]
    fn a_failed_dlc_job_says_why_first() {
        let s = summary("pai.dlc", "dlc:Job:Failed", Lang::En);
        assert_eq!(s.headline, "DLC job nightly-train-resnet50 failed");
        assert_eq!(s.bare_headline, "DLC job failed");
        assert_eq!(s.facts[0].label, Label::Reason);
        assert_eq!(
            s.facts[0].value,
            "worker-1 exited with code 137 (OOMKilled)"
        );
        assert_eq!(s.key_fact().unwrap().label, Label::Reason);
        let ja = summary("pai.dlc", "dlc:Job:Failed", Lang::Ja);
        assert_eq!(
            ja.headline,
            "DLC ジョブ nightly-train-resnet50 が失敗しました"
        );
        let zh = summary("pai.dlc", "dlc:Job:Failed", Lang::Zh);
        assert_eq!(zh.headline, "DLC 任务 nightly-train-resnet50 失败");
        assert!(
            zh.facts.iter().any(|f| f.value == "1小时12分45秒"),
            "{zh:?}"
        );
    }

    #[test]
    fn a_model_status_change_names_the_model_and_the_new_status() {
        let s = summary("pai.model", "model:ModelVersion:StatusChanged", Lang::En);
        assert_eq!(s.headline, "Model resnet50-imagenet 1.3.0: Rejected");
        assert!(s
            .facts
            .iter()
            .any(|f| f.label == Label::Status && f.value == "Pending → Rejected"));
        assert_eq!(
            summary("pai.model", "model:ModelVersion:StatusChanged", Lang::Ja).headline,
            "モデル resnet50-imagenet 1.3.0：却下"
        );
    }

    #[test]
    fn a_deployment_is_named_by_its_label_or_its_id() {
        let s = summary(
            "datarobot.deployment",
            "model_deployments.service_health_red",
            Lang::En,
        );
        assert_eq!(
            s.headline,
            "Deployment 5e43c2b4c9e77c0017d4b3c5: Service health red"
        );
        assert!(s
            .facts
            .iter()
            .any(|f| f.label == Label::Health && f.value == "yellow → red"));
        let r = summary(
            "datarobot.deployment",
            "model_deployments.model_replacement_failed",
            Lang::Zh,
        );
        assert!(
            r.headline.starts_with("部署 ") && r.headline.ends_with("：模型替换失败"),
            "{}",
            r.headline
        );
    }

    #[test]
    fn a_title_about_the_resource_itself_is_not_said_twice() {
        let s = summary("datarobot.project", "project.created", Lang::En);
        assert_eq!(s.headline, "Project Customer churn 2025 Q4 created");
        assert_eq!(
            summary("datarobot.project", "project.created", Lang::Ja).headline,
            "プロジェクト Customer churn 2025 Q4 が作成されました"
        );
        assert_eq!(
            summary("datarobot.dataset", "dataset.deleted", Lang::Zh).headline,
            "数据集 churn_training_2025q4.csv 已删除"
        );
    }

    #[test]
    fn unknown_types_keep_their_type_as_headline_and_still_read_facts() {
        let data = json!({"job": {"name": "x", "id": "j1", "status": "Weird"}});
        let s = summarize("pai.dlc", "dlc:Job:Exploded", &data, Lang::En);
        assert_eq!(s.headline, "DLC job x: dlc:Job:Exploded");
        assert_eq!(s.facts[0].value, "Weird");
        let s = summarize("elsewhere", "thing", &json!({}), Lang::Ja);
        assert_eq!(s.headline, "thing");
        assert!(s.facts.is_empty());
    }

    #[test]
    fn durations_read_in_each_language() {
        assert_eq!(duration(4365, Lang::En), "1h 12m 45s");
        assert_eq!(duration(59, Lang::Ja), "59秒");
        assert_eq!(duration(61, Lang::Zh), "1分1秒");
    }
}
