//! Containment: landform never writes or deletes outside its output directory (and the lock
//! beside the blueprint), whatever links someone planted in the tree.

use std::os::unix::fs::symlink;

use crate::fixture::{Fixture, preset};

/// A folder outside the output tree that landform must never touch, with one file in it.
fn victim(f: &Fixture) -> std::path::PathBuf {
    f.write("victim/keep.txt", "precious\n");
    f.join("victim")
}

fn victim_untouched(f: &Fixture) {
    let names: Vec<String> = std::fs::read_dir(f.join("victim"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        ["keep.txt"],
        "files appeared in or left the victim folder"
    );
    assert_eq!(f.read("victim/keep.txt"), "precious\n");
}

#[test]
fn a_directory_link_inside_the_output_tree_is_refused() {
    let f = Fixture::with_blueprint(preset("smb"));
    f.run_ok(&["generate"]);
    let v = victim(&f);
    // The organization stack's folder replaced by a link to the victim folder.
    std::fs::remove_dir_all(f.join("terraform/organization")).unwrap();
    symlink(&v, f.join("terraform/organization")).unwrap();
    let before = f.tree("terraform");
    let o = f.run(&["generate"]);
    assert_eq!(o.code, 2, "{}", o.text());
    assert!(
        o.stderr.contains("terraform/organization") && o.stderr.contains("symbolic link"),
        "{}",
        o.stderr
    );
    assert!(o.stderr.contains("nothing was written"), "{}", o.stderr);
    victim_untouched(&f);
    assert_eq!(f.tree("terraform"), before);
    // --force does not write through a link either.
    assert_eq!(f.run(&["generate", "--force"]).code, 2);
    victim_untouched(&f);
}

#[test]
fn a_planted_link_at_a_staging_name_is_never_followed() {
    let f = Fixture::with_blueprint(preset("smb"));
    f.run_ok(&["generate"]);
    victim(&f);
    // The names staging files used to have: predictable, next to their targets.
    for name in [
        "terraform/organization/.accounts.tf.landform-tmp",
        "terraform/.landform-manifest.landform-tmp",
    ] {
        symlink(f.join("victim/keep.txt"), f.join(name)).unwrap();
    }
    f.write(
        "landform.yaml",
        &preset("smb").replace("web-team", "frontend-team"),
    );
    f.run_ok(&["generate"]);
    victim_untouched(&f);
    assert!(
        f.read("terraform/organization/accounts.tf")
            .contains("frontend-team")
    );
}

#[test]
fn a_dangling_lock_link_is_refused() {
    let f = Fixture::with_blueprint(preset("minimal"));
    victim(&f);
    symlink(f.join("victim/created.lock"), f.join("landform.lock")).unwrap();
    let o = f.run(&["generate"]);
    assert_eq!(o.code, 2, "{}", o.text());
    assert!(
        o.stderr.contains("landform.lock") && o.stderr.contains("symbolic link"),
        "{}",
        o.stderr
    );
    victim_untouched(&f);
    assert!(!f.exists("terraform"), "the tree was written");
}

#[test]
fn a_manifest_entry_reached_through_a_linked_directory_is_not_deleted() {
    let f = Fixture::with_blueprint(preset("smb"));
    f.run_ok(&["generate"]);
    let v = victim(&f);
    // The policies folder moved outside and linked back: same files, same hashes.
    let policies = f.join("terraform/organization/policies");
    for e in std::fs::read_dir(&policies).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), v.join(e.file_name())).unwrap();
    }
    std::fs::remove_dir_all(&policies).unwrap();
    symlink(&v, &policies).unwrap();
    let listing = |f: &Fixture| {
        let mut n: Vec<String> = std::fs::read_dir(f.join("victim"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        n.sort();
        n
    };
    let before = listing(&f);
    assert!(before.contains(&"deny-root-user.json".to_string()));
    // Dropping a guardrail makes its policy file go.
    f.write(
        "landform.yaml",
        &preset("smb").replace("  deny_root_user: [root]\n", ""),
    );
    let o = f.run(&["generate", "--force"]);
    assert_eq!(o.code, 2, "{}", o.text());
    assert!(o.stderr.contains("symbolic link"), "{}", o.stderr);
    assert_eq!(
        listing(&f),
        before,
        "a file outside the output tree was deleted"
    );
}

#[test]
fn a_linked_file_or_manifest_is_refused() {
    let f = Fixture::with_blueprint(preset("minimal"));
    f.run_ok(&["generate"]);
    victim(&f);
    let accounts = f.join("terraform/organization/accounts.tf");
    std::fs::copy(&accounts, f.join("victim/accounts.tf")).unwrap();
    std::fs::remove_file(&accounts).unwrap();
    symlink(f.join("victim/accounts.tf"), &accounts).unwrap();
    let o = f.run(&["generate", "--force"]);
    assert_eq!(o.code, 2, "{}", o.text());
    assert!(
        o.stderr.contains("organization/accounts.tf") && o.stderr.contains("symbolic link"),
        "{}",
        o.stderr
    );
    std::fs::remove_file(&accounts).unwrap();
    std::fs::remove_file(f.join("victim/accounts.tf")).unwrap();

    let manifest = f.join("terraform/.landform-manifest");
    std::fs::rename(&manifest, f.join("victim/manifest")).unwrap();
    symlink(f.join("victim/manifest"), &manifest).unwrap();
    let o = f.run(&["generate"]);
    assert_eq!(o.code, 2, "{}", o.text());
    assert!(
        o.stderr.contains(".landform-manifest") && o.stderr.contains("symbolic link"),
        "{}",
        o.stderr
    );
    assert!(!f.exists("terraform/organization/accounts.tf"));
}

#[test]
fn the_output_directory_itself_may_be_a_link() {
    // The user names the output directory: a link there is theirs, not planted.
    let f = Fixture::with_blueprint(preset("minimal"));
    std::fs::create_dir(f.join("real")).unwrap();
    symlink(f.join("real"), f.join("terraform")).unwrap();
    f.run_ok(&["generate"]);
    assert!(f.exists("real/organization/accounts.tf"));
    f.run_ok(&["generate"]);
}
