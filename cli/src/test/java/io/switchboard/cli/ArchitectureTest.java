package io.switchboard.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The architecture rules of the whole tree, run by every build. The cli's test classpath holds
 * every module's classes, so this is the one place that sees them all. The rules name packages, not
 * modules that exist today, so a module added later is held to them from its first commit. A broken
 * rule fails with the rule's name and the reason it exists.
 *
 * <p>Thread contract: plain JUnit tests on one thread; the classes are imported once and only read.
 */
class ArchitectureTest {

  /** The modules in build order: each may use only the ones before it. */
  private static final List<Module> MODULES =
      List.of(
          new Module("engine", "io.switchboard.engine.."),
          new Module("netty", "io.switchboard.netty.."),
          new Module("services", "io.switchboard.services.."),
          new Module("files", "io.switchboard.files.."),
          new Module("http", "io.switchboard.http.."),
          new Module("chat", "io.switchboard.chat.."),
          new Module("cluster", "io.switchboard.cluster.."),
          new Module("testkit", "io.switchboard.testkit.."),
          new Module("bench", "io.switchboard.bench.."),
          new Module("cli", "io.switchboard.cli.."));

  /** Applications: code written against the contract, meant to run on every model. */
  private static final String[] APPS = {
    "io.switchboard.services..",
    "io.switchboard.files..",
    "io.switchboard.http..",
    "io.switchboard.chat..",
    "io.switchboard.cluster.."
  };

  /** The toolkit a model is written with: not for apps. */
  private static final String SPI = "io.switchboard.engine.spi..";

  /** IO models: the engines an application runs on, chosen at startup. */
  private static final String[] MODELS = {
    "io.switchboard.engine.blocking..", "io.switchboard.engine.nio..",
    "io.switchboard.engine.aio..", "io.switchboard.netty.."
  };

  private static JavaClasses classes;

  /** A Maven module and the package tree its classes live in. */
  record Module(String name, String packages) {
    @Override
    public String toString() {
      return name;
    }
  }

  @BeforeAll
  static void importProductionClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.switchboard");
  }

  // Rules below allow an empty subject (a module not built yet); this guards against a
  // classpath that holds nothing at all, which would let every rule pass unchecked.
  @Test
  void theImportSeesTheModulesThatExist() {
    assertThat(classes.stream().map(JavaClass::getPackageName))
        .anyMatch(name -> name.startsWith("io.switchboard.engine"))
        .anyMatch(name -> name.startsWith("io.switchboard.services"))
        .anyMatch(name -> name.startsWith("io.switchboard.cli"));
  }

  @Test
  void engineKnowsNoAppAndNoCli() {
    ArchRule rule =
        noClasses()
            .that()
            .resideInAPackage("io.switchboard.engine..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(concat(APPS, "io.switchboard.cli.."))
            .as("the engine knows no app and no CLI")
            .because(
                "the engine is the contract and the models every app runs on: an app or a"
                    + " front end plugs into it (Application, EngineProvider), never the other"
                    + " way round, or a new app would mean editing every model");
    rule.check(classes);
  }

  @Test
  void appsUseTheContractNotTheModelToolkitNorAModel() {
    ArchRule rule =
        noClasses()
            .that()
            .resideInAnyPackage(APPS)
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(concat(MODELS, SPI))
            .as(
                "apps use the contract (io.switchboard.engine), never the model toolkit"
                    + " (io.switchboard.engine.spi) nor a model")
            .because(
                "an app must run unchanged on every model, which is picked at startup"
                    + " (switchboard serve --model, through EngineProvider); an app that reached"
                    + " into one model, or into the toolkit models are built with, would break or"
                    + " mislead on the others, and would tie the contract to one implementation")
            .allowEmptyShould(true);
    rule.check(classes);
  }

  @Test
  void theContractKnowsNoModel() {
    ArchRule rule =
        noClasses()
            .that()
            .resideInAnyPackage("io.switchboard.engine", "io.switchboard.engine.codec..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(concat(MODELS, SPI))
            .as("the contract and its codecs know neither the model toolkit nor a model")
            .because(
                "apps are written against the contract alone; if it named a model or the"
                    + " toolkit, an app would pull them in with it, and a change in how one model"
                    + " works would become a change to every app");
    rule.check(classes);
  }

  @Test
  void theChatHubKnowsNoFront() {
    ArchRule rule =
        noClasses()
            .that()
            .resideInAPackage("io.switchboard.chat")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                "io.switchboard.chat.line..",
                "io.switchboard.chat.irc..",
                "io.switchboard.chat.web..",
                "io.switchboard.chat.client..")
            .as("the chat hub (io.switchboard.chat) knows no front and no client")
            .because(
                "fronts (line, IRC, browser) plug into the hub through Member and Session; a hub"
                    + " that knew one front's wire format would treat the others' users"
                    + " differently, and every new front would mean editing the hub");
    rule.check(classes);
  }

  @Test
  void onlyTheNettyModuleImportsNetty() {
    ArchRule rule =
        noClasses()
            .that()
            .resideOutsideOfPackage("io.switchboard.netty..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("io.netty..")
            .as("only the netty module (io.switchboard.netty) imports Netty")
            .because(
                "Netty is one model among several: kept to its module, everything else builds,"
                    + " runs and is measured without it, and its types never leak into the"
                    + " contract");
    rule.check(classes);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("modulesWithLaterOnes")
  void noModuleReachesUpward(Module module) {
    List<Module> later = MODULES.subList(MODULES.indexOf(module) + 1, MODULES.size());
    ArchRule rule =
        noClasses()
            .that()
            .resideInAPackage(module.packages())
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(later.stream().map(Module::packages).toArray(String[]::new))
            .as(module.name() + " uses no module after it (" + names(later) + ")")
            .because(
                "modules are built in the order "
                    + names(MODULES)
                    + " and each may use only those before it: a lower module that knew a"
                    + " higher one could not be built, tested or reused without it, and the"
                    + " Maven build would turn into a cycle")
            .allowEmptyShould(true);
    rule.check(classes);
  }

  static Stream<Module> modulesWithLaterOnes() {
    return MODULES.stream().limit(MODULES.size() - 1);
  }

  private static String names(List<Module> modules) {
    return modules.stream().map(Module::name).collect(Collectors.joining(", "));
  }

  private static String[] concat(String[] packages, String... more) {
    return Stream.concat(Stream.of(packages), Stream.of(more)).toArray(String[]::new);
  }
}
