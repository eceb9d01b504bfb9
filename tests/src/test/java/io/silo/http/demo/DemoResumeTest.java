package io.silo.http.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.silo.app.demo.DemoAccount;
import io.silo.app.demo.DemoLoader;
import io.silo.app.demo.DemoReport;
import io.silo.testing.SiloClient;
import io.silo.testing.SiloTest;
import io.silo.testing.TestSilo;
import io.silo.testing.TestTenants;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A {@code silo serve --demo} killed midway is finished by the next one: the organization it created
 * gets its missing accounts and documents, nothing twice, and ends as an uninterrupted load leaves it;
 * an organization the demo did not create keeps its slug and everything else, even when its notes
 * read like a demo's.
 */
@SiloTest
class DemoResumeTest {
    /** The liquor store: accounts, products, movements and a month of sales whose stock must add up. */
    static final String SHOP = "green-bottle-liquor";

    /** What stops the load, as a kill would: an Error, which nothing in the loader catches. */
    static final class SimulatedKill extends Error {
        private static final long serialVersionUID = 1L;

        SimulatedKill(String slug, int writes) {
            super("simulated kill after " + writes + " writes into " + slug);
        }
    }

    /** Kills the load once it has made {@code writes} writes into {@code slug}. */
    static DemoLoader.Progress killAfter(String slug, int writes) {
        int[] made = new int[1];
        return (written, what) -> {
            if (written.equals(slug) && ++made[0] == writes) {
                throw new SimulatedKill(slug, writes);
            }
        };
    }

    /** The shop as its owner sees it: accounts, documents per collection, and each product's stock. */
    record Shop(long accounts, Map<String, Long> documents, Map<String, Long> stock) {}

    @Test
    void aLoadKilledMidwayIsFinishedByTheNextAndEndsAsAnUninterruptedOne(TestSilo silo) {
        SiloClient anonymous = silo.client();
        TestTenants.TestTenant salon = TestTenants.create(
                anonymous, "Salon Elsewhere", List.of("crm"), Map.of("slug", "salon", "notes", DemoLoader.LOADING));
        DemoLoader demo = silo.silo().application().demo();

        // killed after the shop was created with its owner and two of its three other accounts
        assertThatThrownBy(() -> demo.load(killAfter(SHOP, 3))).isInstanceOf(SimulatedKill.class);
        assertThat(notes(anonymous, SHOP)).isEqualTo(DemoLoader.LOADING);
        // killed again while finishing it: its last account, products and movements, and 23 sales written
        assertThatThrownBy(() -> demo.load(killAfter(SHOP, 40))).isInstanceOf(SimulatedKill.class);
        assertThat(owner(anonymous)
                        .get("/api/data/pos/sales/_count")
                        .json()
                        .path("count")
                        .asLong())
                .as("whole sales only, each with its movements and stock")
                .isEqualTo(23);
        assertThat(notes(anonymous, SHOP)).isEqualTo(DemoLoader.LOADING);

        DemoReport finished = demo.load();

        assertThat(finished.resumed()).containsExactly(SHOP);
        assertThat(finished.created()).containsExactly("green-valley-school");
        assertThat(finished.leftAlone())
                .as("not the demo's: no record of the demo making it")
                .containsExactly("salon");
        assertThat(notes(anonymous, SHOP)).isEqualTo(DemoLoader.LOADED);
        Shop resumed = shop(silo);
        assertThat(resumed.accounts()).isEqualTo(4);
        assertThat(resumed.documents())
                .containsEntry("products", 8L)
                .containsEntry("sales", 120L)
                .hasEntrySatisfying(
                        "inventory_transactions",
                        movements -> assertThat(movements).isGreaterThan(8 + 120));
        everyAccountSignsIn(anonymous, finished);

        DemoReport third = demo.load();
        assertThat(third.created()).isEmpty();
        assertThat(third.resumed()).isEmpty();
        assertThat(third.present()).hasSize(7).contains(SHOP);
        assertThat(shop(silo)).as("a third load changes nothing").isEqualTo(resumed);

        // the same organization loaded in one go, for comparison
        assertThat(anonymous.asAdmin().delete("/api/organizations/" + SHOP).status())
                .isEqualTo(204);
        DemoReport fresh = demo.load();
        assertThat(fresh.created()).containsExactly(SHOP);
        assertThat(shop(silo)).as("as an uninterrupted load").isEqualTo(resumed);

        assertThat(notes(anonymous, "salon"))
                .as("the other organization is untouched")
                .isEqualTo(DemoLoader.LOADING);
        assertThat(salon.client().get("/api/users").json().path("items").size()).isEqualTo(1);
        assertThat(anonymous
                        .post(
                                "/api/auth/login",
                                Map.of("organization", "salon", "email", "salon@example.com", "password", "salon123"))
                        .status())
                .isEqualTo(401);
    }

    private static SiloClient owner(SiloClient anonymous) {
        return DemoTest.signIn(
                anonymous, new DemoTest.SeedAccount(SHOP, "owner@greenbottle.example.com", "owner123", "", ""));
    }

    private static Shop shop(TestSilo silo) {
        SiloClient owner = owner(silo.client());
        Map<String, Long> documents = new TreeMap<>();
        for (String collection : silo.silo()
                .application()
                .templates()
                .require("pos")
                .collections()
                .keySet()) {
            documents.put(collection, DemoTest.count(owner, "pos", collection));
        }
        Map<String, Long> stock = new TreeMap<>();
        for (JsonNode product :
                owner.get("/api/data/pos/products?limit=100").json().path("items")) {
            stock.put(product.path("name").asString(), product.path("stock").asLong());
        }
        long accounts = owner.get("/api/users?limit=100").json().path("items").size();
        return new Shop(accounts, documents, stock);
    }

    private static String notes(SiloClient anonymous, String slug) {
        return anonymous
                .asAdmin()
                .get("/api/organizations/" + slug)
                .json()
                .path("notes")
                .asString();
    }

    private static void everyAccountSignsIn(SiloClient anonymous, DemoReport report) {
        for (DemoAccount account : report.accounts()) {
            if (account.organization().equals(SHOP)) {
                DemoTest.signIn(
                        anonymous,
                        new DemoTest.SeedAccount(account.organization(), account.login(), account.password(), "", ""));
            }
        }
    }
}
