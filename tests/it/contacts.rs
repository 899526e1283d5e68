//! Contacts ("Message receiving settings"): validation, conflicts, edits, deletion, and
//! isolation between accounts, against the real server.

use crate::common::TestApp;
use reqwest::StatusCode;

async fn create(
    v: &mut crate::common::Visitor,
    name: &str,
    phone: &str,
    email: &str,
) -> crate::common::Reply {
    v.call(
        "create_contact",
        &[("name", name), ("phone", phone), ("email", email)],
    )
    .await
}

#[tokio::test]
async fn contacts_are_created_with_normalised_phone_and_listed_by_name() {
    let app = TestApp::spawn().await;
    let mut v = app.signed_up("ada@example.com").await;
    let r = create(&mut v, "Tony", "+86 138-0000-0000", "").await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    assert_eq!(r.json()["phone"], "+8613800000000");
    assert_eq!(r.json()["email"], serde_json::Value::Null);
    create(&mut v, "Alice", "", "alice@example.com").await;

    let list = v.call("list_contacts", &[]).await.json();
    let names: Vec<_> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Alice", "Tony"]);
}

#[tokio::test]
async fn bad_contacts_are_refused_naming_the_field_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    let mut v = app.signed_up("ada@example.com").await;
    let r = create(&mut v, "Tony", "13800000000", "").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["field"], "phone");
    assert!(r.json()["message"]
        .as_str()
        .unwrap()
        .contains("international format"));

    let r = create(&mut v, "Tony", "", "not-an-email").await;
    assert_eq!(r.json()["field"], "email");

    let r = create(&mut v, "Tony", "", "").await;
    assert_eq!(r.json()["field"], "phone");
    assert!(r.json()["message"].as_str().unwrap().contains("or both"));

    let r = create(&mut v, " ", "+8613800000000", "").await;
    assert_eq!(r.json()["field"], "name");
    assert_eq!(
        v.call("list_contacts", &[]).await.json(),
        serde_json::json!([])
    );
}

#[tokio::test]
async fn duplicate_names_conflict_and_edits_replace_every_field() {
    let app = TestApp::spawn().await;
    let mut v = app.signed_up("ada@example.com").await;
    let tony = create(&mut v, "Tony", "+8613800000000", "").await.json();
    create(&mut v, "Alan", "", "alan@example.com").await;
    let dup = create(&mut v, "tony", "+8613900000000", "").await;
    assert_eq!(dup.status, StatusCode::CONFLICT);
    assert_eq!(dup.json()["field"], "name");

    let id = tony["id"].to_string();
    let r = v
        .call(
            "update_contact",
            &[
                ("id", &id),
                ("name", "Tony Stark"),
                ("phone", ""),
                ("email", "tony@example.com"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    assert_eq!(r.json()["phone"], serde_json::Value::Null);
    assert_eq!(r.json()["email"], "tony@example.com");

    let clash = v
        .call(
            "update_contact",
            &[
                ("id", &id),
                ("name", "Alan"),
                ("phone", ""),
                ("email", "x@example.com"),
            ],
        )
        .await;
    assert_eq!(clash.status, StatusCode::CONFLICT);
    let bad = v
        .call(
            "update_contact",
            &[
                ("id", &id),
                ("name", "Tony"),
                ("phone", "+1"),
                ("email", ""),
            ],
        )
        .await;
    assert_eq!(bad.json()["field"], "phone");
    // The failed edits changed nothing.
    let list = v.call("list_contacts", &[]).await.json();
    assert!(list
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["name"] == "Tony Stark" && c["email"] == "tony@example.com"));
}

#[tokio::test]
async fn contacts_are_deleted_once_and_never_reachable_from_another_account() {
    let app = TestApp::spawn().await;
    let mut ada = app.signed_up("ada@example.com").await;
    let tony = create(&mut ada, "Tony", "+8613800000000", "").await.json();
    let id = tony["id"].to_string();

    let mut bob = app.signed_up("bob@example.com").await;
    assert_eq!(
        bob.call("list_contacts", &[]).await.json(),
        serde_json::json!([])
    );
    let r = bob
        .call(
            "update_contact",
            &[
                ("id", &id),
                ("name", "Mine"),
                ("phone", "+8613800000001"),
                ("email", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(
        bob.call("delete_contact", &[("id", &id)]).await.status,
        StatusCode::NOT_FOUND
    );

    assert_eq!(
        ada.call("delete_contact", &[("id", &id)]).await.status,
        StatusCode::OK
    );
    assert_eq!(
        ada.call("delete_contact", &[("id", &id)]).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        ada.call("list_contacts", &[]).await.json(),
        serde_json::json!([])
    );
}
