set terminal pngcairo size 1500,900 font 'DejaVu Sans,11'
set output 'bench/scaling/out/scaling.png'
set multiplot layout 2,3 title 'latent train, data-parallel on 2 cores (1 thread per rank): solid = weak (per-rank batch fixed), dashed = strong (global batch fixed)'
set xrange [0.8:2.2]
set xtics ('1' 1, '2' 2)
set grid
set key bottom left font ',9' spacing 0.9 box opaque
set samples 2
set title 'vae: samples/s (gray: ideal 2x)'
set ylabel 'samples/s (global)'
unset key
set xlabel 'ranks (or threads, for 1 rank x 2 threads)'
set yrange [0:*]
set autoscale ymax
plot 'bench/scaling/out/scaling_plot.dat' index 0 using 1:2 with lines lw 1.5 dt 3 lc rgb 'gray40' notitle, \
  'bench/scaling/out/scaling_plot.dat' index 1 using 1:2 with linespoints lw 2 pt 7 ps 1.2 dt 1 lc rgb '#1f77b4' notitle, \
  'bench/scaling/out/scaling_plot.dat' index 2 using 1:2 with linespoints lw 2 pt 7 ps 1.2 dt 1 lc rgb '#d62728' notitle, \
  'bench/scaling/out/scaling_plot.dat' index 3 using 1:2 with linespoints lw 2 pt 7 ps 1.2 dt 1 lc rgb '#2ca02c' notitle, \
  'bench/scaling/out/scaling_plot.dat' index 4 using 1:2 with linespoints lw 2 pt 7 ps 1.2 dt 1 lc rgb '#ff7f0e' notitle, \
  'bench/scaling/out/scaling_plot.dat' index 5 using 1:2 with lines lw 1.5 dt 4 lc rgb 'gray40' notitle, \
  'bench/scaling/out/scaling_plot.dat' index 6 using 1:2 with linespoints lw 2 pt 7 ps 1.2 dt 2 lc rgb '#1f77b4' notitle, \
  'bench/scaling/out/scaling_plot.dat' index 7 using 1:2 with linespoints lw 2 pt 7 ps 1.2 dt 2 lc rgb '#d62728' notitle, \
  'bench/scaling/out/scaling_plot.dat' index 8 using 1:2 with linespoints lw 2 pt 7 ps 1.2 dt 2 lc rgb '#2ca02c' notitle, \
  'bench/scaling/out/scaling_plot.dat' index 9 using 1:2 with linespoints lw 2 pt 7 ps 1.2 dt 2 lc rgb '#ff7f0e' notitle
set title 'dcgan: samples/s (gray: ideal 2x)'
set ylabel 'samples/s (global)'
unset key
set xlabel 'ranks (or threads, for 1 rank x 2 threads)'
set yrange [0:*]
set autoscale ymax
plot 'bench/scaling/out/scaling_plot.dat' index 10 using 1:2 with lines lw 1.5 dt 3 lc rgb 'gray40' notitle, \
  'bench/scaling/out/scaling_plot.dat' index 11 using 1:2 with linespoints lw 2 pt 7 ps 1.2 dt 1 lc rgb '#1f77b4' notitle, \
  'bench/scaling/out/scaling_plot.dat' index 12 using 1:2 with linespoints lw 2 pt 7 ps 1.2 dt 1 lc rgb '#d62728' notitle, \
  'bench/scaling/out/scaling_plot.dat' index 13 using 1:2 with linespoints lw 2 pt 7 ps 1.2 dt 1 lc rgb '#2ca02c' notitle, \
  'bench/scaling/out/scaling_plot.dat' index 14 using 1:2 with linespoints lw 2 pt 7 ps 1.2 dt 1 lc rgb '#ff7f0e' notitle, \
  'bench/scaling/out/scaling_plot.dat' index 15 using 1:2 with lines lw 1.5 dt 4 lc rgb 'gray40' notitle, \
  'bench/scaling/out/scaling_plot.dat' index 16 using 1:2 with linespoints lw 2 pt 7 ps 1.2 dt 2 lc rgb '#1f77b4' notitle, \
  'bench/scaling/out/scaling_plot.dat' index 17 using 1:2 with linespoints lw 2 pt 7 ps 1.2 dt 2 lc rgb '#d62728' notitle, \
  'bench/scaling/out/scaling_plot.dat' index 18 using 1:2 with linespoints lw 2 pt 7 ps 1.2 dt 2 lc rgb '#2ca02c' notitle, \
  'bench/scaling/out/scaling_plot.dat' index 19 using 1:2 with linespoints lw 2 pt 7 ps 1.2 dt 2 lc rgb '#ff7f0e' notitle
set title 'ae: samples/s (gray: ideal 2x)'
set ylabel 'samples/s (global)'
unset key
set xlabel 'ranks (or threads, for 1 rank x 2 threads)'
set yrange [0:*]
set autoscale ymax
plot 'bench/scaling/out/scaling_plot.dat' index 20 using 1:2 with lines lw 1.5 dt 3 lc rgb 'gray40' notitle, \
  'bench/scaling/out/scaling_plot.dat' index 21 using 1:2 with linespoints lw 2 pt 7 ps 1.2 dt 1 lc rgb '#1f77b4' notitle, \
  'bench/scaling/out/scaling_plot.dat' index 22 using 1:2 with linespoints lw 2 pt 7 ps 1.2 dt 1 lc rgb '#d62728' notitle, \
  'bench/scaling/out/scaling_plot.dat' index 23 using 1:2 with linespoints lw 2 pt 7 ps 1.2 dt 1 lc rgb '#2ca02c' notitle, \
  'bench/scaling/out/scaling_plot.dat' index 24 using 1:2 with linespoints lw 2 pt 7 ps 1.2 dt 1 lc rgb '#ff7f0e' notitle, \
  'bench/scaling/out/scaling_plot.dat' index 25 using 1:2 with lines lw 1.5 dt 4 lc rgb 'gray40' notitle, \
  'bench/scaling/out/scaling_plot.dat' index 26 using 1:2 with linespoints lw 2 pt 7 ps 1.2 dt 2 lc rgb '#1f77b4' notitle, \
  'bench/scaling/out/scaling_plot.dat' index 27 using 1:2 with linespoints lw 2 pt 7 ps 1.2 dt 2 lc rgb '#d62728' notitle, \
  'bench/scaling/out/scaling_plot.dat' index 28 using 1:2 with linespoints lw 2 pt 7 ps 1.2 dt 2 lc rgb '#2ca02c' notitle, \
  'bench/scaling/out/scaling_plot.dat' index 29 using 1:2 with linespoints lw 2 pt 7 ps 1.2 dt 2 lc rgb '#ff7f0e' notitle
set title 'vae: efficiency'
set key bottom left font ',9' spacing 0.9 box opaque
set ylabel 'efficiency = rate / (cores x 1-core rate)'
set xlabel 'ranks (or threads, for 1 rank x 2 threads)'
set yrange [0.4:1.1]
plot 1 with lines lw 1.5 dt 3 lc rgb 'gray40' title 'ideal', \
  'bench/scaling/out/scaling_plot.dat' index 1 using 1:3 with linespoints lw 2 pt 7 ps 1.2 dt 1 lc rgb '#1f77b4' title 'mpi overlap (25 MB buckets)', \
  'bench/scaling/out/scaling_plot.dat' index 2 using 1:3 with linespoints lw 2 pt 7 ps 1.2 dt 1 lc rgb '#d62728' title 'mpi no overlap (1 allreduce)', \
  'bench/scaling/out/scaling_plot.dat' index 3 using 1:3 with linespoints lw 2 pt 7 ps 1.2 dt 1 lc rgb '#2ca02c' title 'mpi overlap (0.25 MB buckets)', \
  'bench/scaling/out/scaling_plot.dat' index 4 using 1:3 with linespoints lw 2 pt 7 ps 1.2 dt 1 lc rgb '#ff7f0e' title '1 rank x 2 threads (no MPI)', \
  'bench/scaling/out/scaling_plot.dat' index 6 using 1:3 with linespoints lw 2 pt 7 ps 1.2 dt 2 lc rgb '#1f77b4' notitle, \
  'bench/scaling/out/scaling_plot.dat' index 7 using 1:3 with linespoints lw 2 pt 7 ps 1.2 dt 2 lc rgb '#d62728' notitle, \
  'bench/scaling/out/scaling_plot.dat' index 8 using 1:3 with linespoints lw 2 pt 7 ps 1.2 dt 2 lc rgb '#2ca02c' notitle, \
  'bench/scaling/out/scaling_plot.dat' index 9 using 1:3 with linespoints lw 2 pt 7 ps 1.2 dt 2 lc rgb '#ff7f0e' notitle, \
  NaN with lines lw 2 dt 1 lc rgb 'black' title 'weak (per-rank batch fixed)', \
  NaN with lines lw 2 dt 2 lc rgb 'black' title 'strong (global batch fixed)'
set title 'dcgan: efficiency'
unset key
set ylabel 'efficiency = rate / (cores x 1-core rate)'
set xlabel 'ranks (or threads, for 1 rank x 2 threads)'
set yrange [0.4:1.1]
plot 1 with lines lw 1.5 dt 3 lc rgb 'gray40' notitle, \
  'bench/scaling/out/scaling_plot.dat' index 11 using 1:3 with linespoints lw 2 pt 7 ps 1.2 dt 1 lc rgb '#1f77b4' notitle, \
  'bench/scaling/out/scaling_plot.dat' index 12 using 1:3 with linespoints lw 2 pt 7 ps 1.2 dt 1 lc rgb '#d62728' notitle, \
  'bench/scaling/out/scaling_plot.dat' index 13 using 1:3 with linespoints lw 2 pt 7 ps 1.2 dt 1 lc rgb '#2ca02c' notitle, \
  'bench/scaling/out/scaling_plot.dat' index 14 using 1:3 with linespoints lw 2 pt 7 ps 1.2 dt 1 lc rgb '#ff7f0e' notitle, \
  'bench/scaling/out/scaling_plot.dat' index 16 using 1:3 with linespoints lw 2 pt 7 ps 1.2 dt 2 lc rgb '#1f77b4' notitle, \
  'bench/scaling/out/scaling_plot.dat' index 17 using 1:3 with linespoints lw 2 pt 7 ps 1.2 dt 2 lc rgb '#d62728' notitle, \
  'bench/scaling/out/scaling_plot.dat' index 18 using 1:3 with linespoints lw 2 pt 7 ps 1.2 dt 2 lc rgb '#2ca02c' notitle, \
  'bench/scaling/out/scaling_plot.dat' index 19 using 1:3 with linespoints lw 2 pt 7 ps 1.2 dt 2 lc rgb '#ff7f0e' notitle
set title 'ae: efficiency'
unset key
set ylabel 'efficiency = rate / (cores x 1-core rate)'
set xlabel 'ranks (or threads, for 1 rank x 2 threads)'
set yrange [0.4:1.1]
plot 1 with lines lw 1.5 dt 3 lc rgb 'gray40' notitle, \
  'bench/scaling/out/scaling_plot.dat' index 21 using 1:3 with linespoints lw 2 pt 7 ps 1.2 dt 1 lc rgb '#1f77b4' notitle, \
  'bench/scaling/out/scaling_plot.dat' index 22 using 1:3 with linespoints lw 2 pt 7 ps 1.2 dt 1 lc rgb '#d62728' notitle, \
  'bench/scaling/out/scaling_plot.dat' index 23 using 1:3 with linespoints lw 2 pt 7 ps 1.2 dt 1 lc rgb '#2ca02c' notitle, \
  'bench/scaling/out/scaling_plot.dat' index 24 using 1:3 with linespoints lw 2 pt 7 ps 1.2 dt 1 lc rgb '#ff7f0e' notitle, \
  'bench/scaling/out/scaling_plot.dat' index 26 using 1:3 with linespoints lw 2 pt 7 ps 1.2 dt 2 lc rgb '#1f77b4' notitle, \
  'bench/scaling/out/scaling_plot.dat' index 27 using 1:3 with linespoints lw 2 pt 7 ps 1.2 dt 2 lc rgb '#d62728' notitle, \
  'bench/scaling/out/scaling_plot.dat' index 28 using 1:3 with linespoints lw 2 pt 7 ps 1.2 dt 2 lc rgb '#2ca02c' notitle, \
  'bench/scaling/out/scaling_plot.dat' index 29 using 1:3 with linespoints lw 2 pt 7 ps 1.2 dt 2 lc rgb '#ff7f0e' notitle
unset multiplot
